package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.reputation.Warmup.Move;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmupTest {

    private static final long DAY = 60_000;

    /** A day's attempts that fill every step's quota of the test plan. */
    private static final long USED = 400;

    private final Warmup warmup =
            new Warmup(new WarmupPlan("p", List.of(100L, 200L, 400L)), Duration.ofMillis(DAY));

    @Test
    void advancesOneStepPerHealthyDayAndFinishesAfterTheLast() {
        WarmupProgress p = WarmupProgress.start(0);
        assertThat(warmup.evaluate(p, Health.HEALTHY, USED, DAY - 1).move()).isEqualTo(Move.NONE);

        Warmup.Outcome o = warmup.evaluate(p, Health.HEALTHY, USED, DAY);
        assertThat(o.move()).isEqualTo(Move.ADVANCED);
        assertThat(o.progress().step()).isEqualTo(1);

        o = warmup.evaluate(o.progress(), Health.HEALTHY, USED, 2 * DAY);
        assertThat(o.progress().step()).isEqualTo(2);
        o = warmup.evaluate(o.progress(), Health.HEALTHY, USED, 3 * DAY);
        assertThat(o.move()).isEqualTo(Move.FINISHED);
        assertThat(o.progress().done()).isTrue();
        assertThat(warmup.evaluate(o.progress(), Health.BLOCKED, USED, 4 * DAY).move())
                .isEqualTo(Move.NONE);
    }

    @Test
    void aWarningHoldsTheStepAndTheDayStartsAgainWhenHealthy() {
        WarmupProgress p =
                warmup.evaluate(WarmupProgress.start(0), Health.HEALTHY, USED, DAY).progress();
        Warmup.Outcome held = warmup.evaluate(p, Health.WARNING, USED, DAY + DAY / 2);
        assertThat(held.move()).isEqualTo(Move.NONE);

        Warmup.Outcome healthy = warmup.evaluate(held.progress(), Health.HEALTHY, USED, 2 * DAY);
        assertThat(healthy.move()).as("half a day was warned").isEqualTo(Move.NONE);
        assertThat(warmup.evaluate(healthy.progress(), Health.HEALTHY, USED, 3 * DAY).move())
                .isEqualTo(Move.ADVANCED);
    }

    @Test
    void stepsBackOnceOnAThrottleAndAgainOnlyAfterADayOfIt() {
        WarmupProgress p = WarmupProgress.start(0);
        p = warmup.evaluate(p, Health.HEALTHY, USED, DAY).progress();
        p = warmup.evaluate(p, Health.HEALTHY, USED, 2 * DAY).progress();
        assertThat(p.step()).isEqualTo(2);

        Warmup.Outcome back = warmup.evaluate(p, Health.THROTTLED, USED, 2 * DAY + 10);
        assertThat(back.move()).isEqualTo(Move.STEPPED_BACK);
        assertThat(back.progress().step()).isEqualTo(1);
        Warmup.Outcome still = warmup.evaluate(back.progress(), Health.BLOCKED, USED, 2 * DAY + 20);
        assertThat(still.move()).as("the same incident").isEqualTo(Move.NONE);
        Warmup.Outcome again =
                warmup.evaluate(still.progress(), Health.BLOCKED, USED, 3 * DAY + 10);
        assertThat(again.progress().step()).isZero();
        assertThat(
                        warmup.evaluate(again.progress(), Health.BLOCKED, USED, 5 * DAY)
                                .progress()
                                .step())
                .as("never below the first step")
                .isZero();
    }

    @Test
    void aHealthyDayWithLessThanHalfTheQuotaUsedDoesNotAdvance() {
        WarmupProgress p = WarmupProgress.start(0);

        Warmup.Outcome idle = warmup.evaluate(p, Health.HEALTHY, 0, DAY);
        Warmup.Outcome light = warmup.evaluate(idle.progress(), Health.HEALTHY, 49, 2 * DAY);
        Warmup.Outcome used = warmup.evaluate(light.progress(), Health.HEALTHY, 50, 3 * DAY);

        assertThat(idle.move()).isEqualTo(Move.HELD_UNUSED);
        assertThat(idle.progress().step()).isZero();
        assertThat(idle.progress().since()).as("a new day counts from now").isEqualTo(DAY);
        assertThat(light.move()).as("49 of 100").isEqualTo(Move.HELD_UNUSED);
        assertThat(used.move()).as("50 of 100").isEqualTo(Move.ADVANCED);
        assertThat(used.progress().step()).isOne();
        assertThat(warmup.evaluate(used.progress(), Health.HEALTHY, 0, 3 * DAY + 1).move())
                .as("the next day has not passed")
                .isEqualTo(Move.NONE);
    }
}
