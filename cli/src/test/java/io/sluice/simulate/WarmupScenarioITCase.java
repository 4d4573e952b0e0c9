package io.sluice.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9: a new IP's daily volume follows the warm-up plan at each simulated provider and never
 * trips a block -- against the enforcing providers (per-IP rates, connection limits, reputation,
 * authentication at the door), not the permissive ones. The shipped {@code new-ips} scenario, cut
 * to three simulated days for the suite's time: two of the shared pool's four IPs are new.
 */
class WarmupScenarioITCase {

    @TempDir Path home;

    @Test
    void newIpsStayWithinTheirQuotaAtEverySiteAndNothingIsBlocked() throws Exception {
        Scenario shipped = Scenario.load("new-ips");
        Scenario sc =
                new Scenario(
                        shipped.name(),
                        shipped.description(),
                        3,
                        shipped.timeScale(),
                        shipped.traffic(),
                        shipped.events(),
                        shipped.expectations(),
                        shipped.options(),
                        shipped.files());
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + 53) % 20_000);

        SimulationRunner.Run run =
                SimulationRunner.run(
                        sc,
                        new SimulationRunner.Settings(home.resolve("run"), 72, smtpPort, 2),
                        (done, label) -> {});

        assertThat(run.unmet()).as("unmet expectations; quota days %s", run.quotaDays()).isEmpty();
        assertThat(run.all().blocks()).isZero();
        assertThat(run.all().lost()).isZero();
        List<SimulationRunner.QuotaDay> days = run.quotaDays();
        // Both new IPs had quotas at Google, Microsoft and Yahoo, and kept within every one.
        for (String ip : List.of("127.0.0.12", "127.0.0.13")) {
            assertThat(days)
                    .filteredOn(q -> q.ip().equals(ip))
                    .extracting(SimulationRunner.QuotaDay::site)
                    .contains("google", "microsoft", "yahoo");
        }
        assertThat(days).noneMatch(SimulationRunner.QuotaDay::over);
        // Each new IP climbed the plan at Google while healthy (100, then 200 a day), and was
        // used, not left idle: on some day it carried at least half its quota. (A quota day is
        // Sluice's, epoch-aligned, so the first one may be a sliver of the run's first day.)
        for (String ip : List.of("127.0.0.12", "127.0.0.13")) {
            List<SimulationRunner.QuotaDay> google =
                    days.stream()
                            .filter(q -> q.ip().equals(ip) && q.site().equals("google"))
                            .toList();
            assertThat(google).extracting(SimulationRunner.QuotaDay::quota).contains(100L, 200L);
            assertThat(google).anyMatch(q -> 2 * q.accepted() >= q.quota());
        }
        // The warm IPs carried what the new ones could not: every message delivered.
        assertThat(run.all().deliveredPercent()).isGreaterThanOrEqualTo(99);
    }
}
