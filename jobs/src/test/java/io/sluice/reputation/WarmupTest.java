package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.reputation.Warmup.Move;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmupTest {

    private static final long DAY = 60_000;
    private final Warmup warmup =
            new Warmup(new WarmupPlan("p", List.of(100L, 200L, 400L)), Duration.ofMillis(DAY));

    @Test
    void advancesOneStepPerHealthyDayAndFinishesAfterTheLast() {
        WarmupProgress p = WarmupProgress.start(0);
        assertThat(warmup.evaluate(p, Health.HEALTHY, DAY - 1).move()).isEqualTo(Move.NONE);

        Warmup.Outcome o = warmup.evaluate(p, Health.HEALTHY, DAY);
        assertThat(o.move()).isEqualTo(Move.ADVANCED);
        assertThat(o.progress().step()).isEqualTo(1);

        o = warmup.evaluate(o.progress(), Health.HEALTHY, 2 * DAY);
        assertThat(o.progress().step()).isEqualTo(2);
        o = warmup.evaluate(o.progress(), Health.HEALTHY, 3 * DAY);
        assertThat(o.move()).isEqualTo(Move.FINISHED);
        assertThat(o.progress().done()).isTrue();
        assertThat(warmup.evaluate(o.progress(), Health.BLOCKED, 4 * DAY).move())
                .isEqualTo(Move.NONE);
    }

    @Test
    void aWarningHoldsTheStepAndTheDayStartsAgainWhenHealthy() {
        WarmupProgress p = warmup.evaluate(WarmupProgress.start(0), Health.HEALTHY, DAY).progress();
        Warmup.Outcome held = warmup.evaluate(p, Health.WARNING, DAY + DAY / 2);
        assertThat(held.move()).isEqualTo(Move.NONE);

        Warmup.Outcome healthy = warmup.evaluate(held.progress(), Health.HEALTHY, 2 * DAY);
        assertThat(healthy.move()).as("half a day was warned").isEqualTo(Move.NONE);
        assertThat(warmup.evaluate(healthy.progress(), Health.HEALTHY, 3 * DAY).move())
                .isEqualTo(Move.ADVANCED);
    }

    @Test
    void stepsBackOnceOnAThrottleAndAgainOnlyAfterADayOfIt() {
        WarmupProgress p = WarmupProgress.start(0);
        p = warmup.evaluate(p, Health.HEALTHY, DAY).progress();
        p = warmup.evaluate(p, Health.HEALTHY, 2 * DAY).progress();
        assertThat(p.step()).isEqualTo(2);

        Warmup.Outcome back = warmup.evaluate(p, Health.THROTTLED, 2 * DAY + 10);
        assertThat(back.move()).isEqualTo(Move.STEPPED_BACK);
        assertThat(back.progress().step()).isEqualTo(1);
        Warmup.Outcome still = warmup.evaluate(back.progress(), Health.BLOCKED, 2 * DAY + 20);
        assertThat(still.move()).as("the same incident").isEqualTo(Move.NONE);
        Warmup.Outcome again = warmup.evaluate(still.progress(), Health.BLOCKED, 3 * DAY + 10);
        assertThat(again.progress().step()).isZero();
        assertThat(warmup.evaluate(again.progress(), Health.BLOCKED, 5 * DAY).progress().step())
                .as("never below the first step")
                .isZero();
    }
}
