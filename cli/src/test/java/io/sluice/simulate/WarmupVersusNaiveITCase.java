package io.sluice.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.ControlType;
import io.sluice.sim.truth.Refusal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10: the shipped {@code warmup} and {@code naive} scenarios, cut to their first two
 * simulated days at 4320x for the suite's time (the 30-day runs take about 11 minutes each: {@code
 * ./sluice simulate --scenario warmup --scenario naive}). The same traffic, the same enforcing
 * providers at 1/50 of the volume: with Sluice's warm-up the new IPs stay within the providers'
 * allowance and nothing is blocked; without shaping, warm-up and reputation the first campaigns
 * already get the new IPs rate-limited and blocked, and only them.
 *
 * <p>State on 2026-11-29: the warmup half passes (77 s); the naive half fails (no rate-limited
 * refusal at all, 61 s), for the reason docs/simulate.md gives under "Measured here": at 4320x and
 * 1/50 the scaled allowance per real second is above what the stack can send, so a campaign is no
 * burst to the providers. The test stays failing until the scenario or the scaling is fixed.
 */
class WarmupVersusNaiveITCase {

    @TempDir Path home;

    static Scenario shortened(Scenario s) {
        return new Scenario(
                s.name(),
                s.description(),
                2,
                4320,
                s.traffic(),
                s.events(),
                s.expectations(),
                s.options(),
                s.files());
    }

    SimulationRunner.Run run(Scenario sc, int subnet, int offset) throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + offset) % 20_000);
        SimulationRunner.Run run =
                SimulationRunner.run(
                        sc,
                        new SimulationRunner.Settings(home.resolve(sc.name()), subnet, smtpPort, 2),
                        (done, label) -> {});
        System.out.println(run.all().line(sc.name()) + " took=" + run.took().toSeconds() + "s");
        run.refusals().stream()
                .collect(
                        java.util.stream.Collectors.groupingBy(
                                r -> r.clientIp() + " " + r.reason(),
                                java.util.TreeMap::new,
                                java.util.stream.Collectors.counting()))
                .forEach((k, n) -> System.out.println(sc.name() + " refusals: " + n + " x " + k));
        return run;
    }

    @Test
    void theWarmupKeepsTheNewIpsOutOfTroubleThatTheNaiveBaselineRunsInto() throws Exception {
        Scenario warmupScenario = shortened(Scenario.load("warmup"));
        Scenario naiveScenario = shortened(Scenario.load("naive"));
        List<String> newIps =
                List.of(warmupScenario.options().get("sluice.reputation.new-ips").split(";"));

        SimulationRunner.Run warmup = run(warmupScenario, 73, 61);
        SimulationRunner.Run naive = run(naiveScenario, 74, 67);

        // Same traffic, counted from the providers' ground truth.
        assertThat(naive.all().messages()).isEqualTo(warmup.all().messages()).isPositive();

        // warmup: nothing blocked or lost, all in the inbox; the new IPs carried mail within
        // their quotas at every provider, the warm ones the rest.
        assertThat(warmup.all().blocks()).isZero();
        assertThat(warmup.all().lost()).isZero();
        assertThat(warmup.all().duplicates()).isZero();
        assertThat(warmup.all().deliveredPercent()).isGreaterThanOrEqualTo(99);
        assertThat(warmup.all().inboxedPercent()).isGreaterThanOrEqualTo(99);
        assertThat(warmup.quotaDays()).noneMatch(SimulationRunner.QuotaDay::over);
        assertThat(warmup.controls())
                .filteredOn(c -> c.getType() == ControlType.WARMUP_QUOTA)
                .extracting(c -> String.valueOf(c.getSite()))
                .contains("google", "microsoft", "yahoo");
        assertThat(warmup.deliveries()).anyMatch(d -> newIps.contains(d.clientIp()));

        // naive: the providers rate-limited the new IPs (only them: the warm ones have an
        // allowance forty times larger), and blocked after that (the failure has the real cause,
        // volume from IPs without history; the block may then reach the warm IPs too, through
        // the sending domain's score, which every over-limit refusal lowers). Mail went to the
        // junk folder, and still nothing was lost or sent twice.
        Set<String> limited = new TreeSet<>();
        double firstLimit = Double.MAX_VALUE;
        double firstBlock = Double.MAX_VALUE;
        for (Refusal r : naive.refusals()) {
            if (r.reason().equals("rate-limited")) {
                limited.add(r.clientIp());
                firstLimit = Math.min(firstLimit, naive.simHours(r.at()));
            } else if (r.reason().equals("blocked")) {
                firstBlock = Math.min(firstBlock, naive.simHours(r.at()));
            }
        }
        assertThat(limited).isNotEmpty().allMatch(newIps::contains);
        assertThat(naive.all().blocks()).isPositive();
        assertThat(firstLimit).isLessThanOrEqualTo(firstBlock);
        assertThat(naive.all().inboxedPercent()).isLessThan(warmup.all().inboxedPercent());
        assertThat(naive.all().lost()).isZero();
        assertThat(naive.all().duplicates()).isZero();
        assertThat(naive.controls())
                .noneMatch(c -> String.valueOf(c.getIssuedBy()).startsWith("reputation"));

        Path report = home.resolve("report.html");
        HtmlReport.write(report, List.of(warmup, naive));
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(html)
                .contains("Side by side: warmup vs naive")
                .contains("sluice.shaping.enabled, sluice.warmup.enabled")
                .contains(
                        "The new IPs: mail accepted per simulated day, against their warm-up quota")
                .doesNotContain("<script", "src=\"http");
        Files.copy(
                report,
                Path.of("target", "warmup-vs-naive.html"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
