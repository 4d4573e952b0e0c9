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
 * Issue #10: the shipped {@code warmup} scenario and its baseline {@code naive}, cut to their first
 * two simulated days for the suite's time (the 30-day runs take about half an hour each at 1440x:
 * {@code ./sluice simulate --scenario warmup --scenario naive}). Ten new IPs beside two warm ones,
 * the enforcing providers at 1/50 of the volume: with Sluice's warm-up the new IPs carry mail
 * within their quotas at every provider and nothing is blocked or lost; without shaping, warm-up
 * and reputation the same traffic is blocked.
 */
class WarmupScenarioShortITCase {

    @TempDir Path home;

    static Scenario shortened(Scenario s) {
        return new Scenario(
                s.name(),
                s.description(),
                2,
                s.timeScale(),
                s.traffic(),
                s.events(),
                s.expectations(),
                s.options(),
                s.files());
    }

    SimulationRunner.Run run(Scenario sc, int subnet, int offset, java.time.Duration outcomeWait)
            throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + offset) % 20_000);
        SimulationRunner.Run run =
                SimulationRunner.run(
                        sc,
                        new SimulationRunner.Settings(
                                home.resolve(sc.name()), subnet, smtpPort, 2, outcomeWait),
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

    /** The run's summary, each refusal, and how close each IP came to a provider's rate. */
    static String story(SimulationRunner.Run run, List<String> newIps) {
        java.util.Set<String> warm = new java.util.TreeSet<>();
        run.deliveries().forEach(d -> warm.add(d.clientIp()));
        warm.removeAll(newIps);
        StringBuilder b = new StringBuilder(run.all().line(run.scenario().name())).append('\n');
        run.refusals()
                .forEach(
                        r ->
                                b.append(
                                        String.format(
                                                "refusal at hour %.2f: %s %s %s%n",
                                                run.simHours(r.at()),
                                                r.clientIp(),
                                                r.reason(),
                                                r.recipient())));
        return b.append(Headroom.table(run, warm)).toString();
    }

    @Test
    void theNewIpsCarryMailWithinTheirQuotasAndNothingIsBlocked() throws Exception {
        Scenario warmupScenario = shortened(Scenario.load("warmup"));
        List<String> newIps =
                List.of(warmupScenario.options().get("sluice.reputation.new-ips").split(";"));

        SimulationRunner.Run warmup = run(warmupScenario, 73, 61, null);
        String story = story(warmup, newIps);
        System.out.println(story);
        assertThat(warmup.all().messages()).isPositive();

        // warmup: nothing blocked or lost, all in the inbox; the new IPs carried mail within
        // their quotas at every provider, the warm ones the rest.
        assertThat(warmup.all().blocks()).as(story).isZero();
        assertThat(warmup.all().lost()).as(story).isZero();
        assertThat(warmup.all().duplicates()).as(story).isZero();
        assertThat(warmup.all().deliveredPercent()).as(story).isGreaterThanOrEqualTo(99);
        assertThat(warmup.all().inboxedPercent()).as(story).isGreaterThanOrEqualTo(99);
        assertThat(warmup.quotaDays()).as(story).noneMatch(SimulationRunner.QuotaDay::over);
        assertThat(warmup.controls())
                .filteredOn(c -> c.getType() == ControlType.WARMUP_QUOTA)
                .extracting(c -> String.valueOf(c.getSite()))
                .contains("google", "microsoft", "yahoo");
        assertThat(warmup.deliveries()).anyMatch(d -> newIps.contains(d.clientIp()));

        // naive: the same two days without Sluice's policies. Only what the providers saw counts
        // here, so the run does not wait for the last retries.
        SimulationRunner.Run naive =
                run(shortened(Scenario.load("naive")), 76, 65, java.time.Duration.ofSeconds(20));
        assertThat(naive.sent()).hasSameSizeAs(warmup.sent());
        assertThat(naive.all().blocks()).isPositive();
        assertThat(naive.all().duplicates()).isZero();

        Path report = home.resolve("report.html");
        HtmlReport.write(report, List.of(warmup, naive));
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
