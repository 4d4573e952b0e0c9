package io.sluice.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.ControlType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10: the shipped {@code warmup} scenario, cut to its first two simulated days at 4320x for
 * the suite's time (the 30-day run takes about 12 minutes: {@code ./sluice simulate --scenario
 * warmup}). Ten new IPs beside two warm ones, the enforcing providers at 1/50 of the volume: with
 * Sluice's warm-up the new IPs carry mail within their quotas at every provider and nothing is
 * blocked or lost.
 *
 * <p>Its baseline, {@code naive} (the same traffic with shaping, warm-up and reputation switched
 * off), is not tested here because it does not yet show what it is for: at 4320x and 1/50 the
 * providers' scaled allowance per real second is above what the stack sends on this machine, so a
 * campaign is no burst to them and nothing is rate-limited or blocked (docs/simulate.md, "Measured
 * here"). Asserting what it shows today would assert the gap; it stays an open point of issue #10.
 */
class WarmupScenarioShortITCase {

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
    void theNewIpsCarryMailWithinTheirQuotasAndNothingIsBlocked() throws Exception {
        Scenario warmupScenario = shortened(Scenario.load("warmup"));
        List<String> newIps =
                List.of(warmupScenario.options().get("sluice.reputation.new-ips").split(";"));

        SimulationRunner.Run warmup = run(warmupScenario, 73, 61);
        assertThat(warmup.all().messages()).isPositive();

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

        Path report = home.resolve("report.html");
        HtmlReport.write(report, List.of(warmup));
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(html)
                .contains("<svg", "Messages accepted per simulated hour, per provider")
                .doesNotContain("<script", "src=\"http");
        Files.copy(
                report,
                Path.of("target", "warmup-short.html"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
