package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReputationRulesTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final ReputationRules RULES = ReputationRules.defaults();

    private static final String HEAD = "min-attempts 2000\nblock-for 4h\n";

    @Test
    void theShippedRulesCarryTheReferenceLines() {
        assertThat(RULES.minAttempts()).isEqualTo(2000);
        assertThat(RULES.blockFor()).hasHours(4);
        assertThat(RULES.isThrottle("speeding")).isTrue();
        assertThat(RULES.isThrottle("toomanyconn")).isFalse();
        assertThat(RULES.isNeutral("toomanyconn")).isTrue();
        // One connection too many is not the site judging us: it counts toward nothing, while
        // the same action (throttle) for a rate reply is a throttle.
        assertThat(Outcomes.of(RULES, "DEFERRED", null, "toomanyconn", "throttle")).isNull();
        assertThat(Outcomes.of(RULES, "DEFERRED", null, "speeding", "throttle"))
                .isEqualTo(Counter.THROTTLES);
        assertThat(RULES.isBlock("blocked")).isTrue();
        assertThat(RULES.isBlock("userunknown")).isFalse();
    }

    @ParameterizedTest(name = "{0} attempts, {1} hard bounces, {2} complaints -> {3}")
    @CsvSource({
        // Below Momentum's minimum a share is not measured, but a count that is already the
        // line's share of 2,000 decides it: 40 hard bounces are 2% of the first 2,000 attempts.
        "1999, 39, 0, HEALTHY",
        "400, 40, 0, WARNING",
        "1000, 100, 0, THROTTLED",
        "1999, 199, 0, THROTTLED",
        "1, 1, 1, HEALTHY",
        "2000, 39, 0, HEALTHY",
        "2000, 40, 0, WARNING",
        "2000, 100, 0, THROTTLED",
        "2000, 200, 0, BLOCKED",
        // Complaints are a share of deliveries (here half the attempts), and reach the lowest
        // line only from min-count (5) on: 1 or 2 in 1,000 are 0.1-0.2% by the arithmetic,
        // chance by the statistics; 3 are the throttled line's 0.3%, which acts on its share.
        "2000, 0, 1, HEALTHY",
        "2000, 0, 2, HEALTHY",
        "2000, 0, 3, THROTTLED",
        "2000, 0, 5, BLOCKED",
        "10000, 0, 5, WARNING",
        "10000, 0, 15, THROTTLED",
        "10000, 0, 25, BLOCKED",
        // Early, complaints act only from early-count (10) on: 2 complaints are 0.1% of 2,000,
        // but a clean list draws them by chance; 10 in 500 attempts is a dirty one.
        "500, 0, 2, HEALTHY",
        "500, 0, 9, HEALTHY",
        "500, 0, 10, BLOCKED",
    })
    void aTenantsHealthFollowsTheBounceAndComplaintLines(
            long attempts, long hard, long complaints, Health expected) {
        RollingCounts c = new RollingCounts();
        c.add(Counter.ATTEMPTS, NOW - 60_000, NOW, attempts);
        c.add(Counter.DELIVERIES, NOW - 60_000, NOW, attempts / 2);
        c.add(Counter.HARD_BOUNCES, NOW - 60_000, NOW, hard);
        c.add(Counter.COMPLAINTS, NOW - 60_000, NOW, complaints);

        Assessment a = RULES.assess(Entity.Kind.TENANT, c, NOW);

        assertThat(a.health()).isEqualTo(expected);
        assertThat(a.figures()).containsEntry("attempts_24h", (double) attempts);
    }

    @Test
    void theReasonNamesTheLineAndTheScoreFallsToZeroAtTheTopLine() {
        RollingCounts c = new RollingCounts();
        c.add(Counter.ATTEMPTS, NOW, NOW, 2000);
        c.add(Counter.HARD_BOUNCES, NOW, NOW, 210);

        Assessment a = RULES.assess(Entity.Kind.TENANT, c, NOW);

        assertThat(a.reason())
                .startsWith(
                        "hard-bounces 10.5% of 2000 attempts in 24h reached the blocked line 10%")
                .contains("reputation.rules:");
        assertThat(a.score()).isZero();
        assertThat(a.figures()).containsEntry("bounce_rate", 0.105);

        RollingCounts half = new RollingCounts();
        half.add(Counter.ATTEMPTS, NOW, NOW, 2000);
        half.add(Counter.HARD_BOUNCES, NOW, NOW, 100);
        assertThat(RULES.assess(Entity.Kind.TENANT, half, NOW).score()).isEqualTo(50);
    }

    @Test
    void beforeMinAttemptsTheReasonSaysTheShareIsAFloor() {
        RollingCounts c = new RollingCounts();
        c.add(Counter.ATTEMPTS, NOW, NOW, 400);
        c.add(Counter.HARD_BOUNCES, NOW, NOW, 40);

        Assessment a = RULES.assess(Entity.Kind.TENANT, c, NOW);

        assertThat(a.health()).isEqualTo(Health.WARNING);
        assertThat(a.reason())
                .startsWith(
                        "hard-bounces 40, at least 2% of the first 2000 attempts (400 so far), in"
                                + " 24h reached the warning line 2%");
        assertThat(a.figures()).containsEntry("bounce_rate", 0.1);
    }

    @Test
    void blocksAtASiteBlockTheIpThereWithoutAMinimumButNeverATenant() {
        RollingCounts c = new RollingCounts();
        c.add(Counter.ATTEMPTS, NOW, NOW, 10);
        c.add(Counter.BLOCKS, NOW, NOW, 1);

        assertThat(RULES.assess(Entity.Kind.IP_AT_SITE, c, NOW).health()).isEqualTo(Health.BLOCKED);
        assertThat(RULES.assess(Entity.Kind.TENANT, c, NOW).health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void anHourOldThrottleNoLongerCounts() {
        RollingCounts c = new RollingCounts();
        for (int i = 0; i < 5; i++) {
            c.add(Counter.THROTTLES, NOW, NOW, 1);
        }
        assertThat(RULES.assess(Entity.Kind.IP_AT_SITE, c, NOW).health())
                .isEqualTo(Health.THROTTLED);
        assertThat(RULES.assess(Entity.Kind.IP_AT_SITE, c, NOW + 3_600_000).health())
                .isEqualTo(Health.HEALTHY);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "tenant bounces 24h warning=2%|line 3: counter \"bounces\" -- expected one of"
                        + " attempts,",
                "tenant hard-bounces 2h warning=2%|line 3: window \"2h\" -- expected 1h or 24h",
                "tenant hard-bounces 24h warn=2%|line 3: \"warn=2%\" -- expected warning=LINE",
                "tenant hard-bounces 24h warning=2x|line 3: line \"2x\" -- expected a count (3)"
                        + " or a share (0.1%)",
                "tenant hard-bounces 24h warning=5% blocked=2%|line 3: lines [5%, 2%] --"
                        + " expected all counts or all shares, rising",
                "tenant hard-bounces 24h warning=2 blocked=2%|line 3: lines [2, 2%]",
                "tenant hard-bounces|line 3: a rule needs SCOPE COUNTER WINDOW",
                "tenants hard-bounces 24h warning=2%|line 3: \"tenants\" -- expected"
                        + " min-attempts, early-count, min-count, block-for",
                "min-attempts 10|line 3: a second min-attempts line -- expected one",
                "block-reasons Blocked|line 3: reason \"Blocked\" -- expected a bounce reason",
            })
    void aBadLineIsReportedWithFileAndLine(String line, String message) {
        assertThatThrownBy(() -> ReputationRules.parse("my.rules", HEAD + line + "\n"))
                .isInstanceOf(RuleFileException.class)
                .hasMessageStartingWith("my.rules " + message);
    }

    @Test
    void missingSettingsAreReported() {
        assertThatThrownBy(() -> ReputationRules.parse("r", "tenant clicks 1h warning=1\n"))
                .hasMessage("r line 2: no min-attempts line -- expected one");
        assertThatThrownBy(() -> ReputationRules.parse("r", HEAD))
                .hasMessage("r line 3: no rules -- expected at least one");
    }
}
