package io.sluice.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.sim.profile.Rate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final Rate FIVE_AN_HOUR = new Rate(5, Duration.ofHours(1));

    @Test
    void aNewSenderMaySendItsFirstPeriodAtOnceThenWaitsForTheRefill() {
        TokenBucket bucket = new TokenBucket(T0);

        for (int i = 0; i < 5; i++) {
            assertThat(bucket.take(T0, FIVE_AN_HOUR, 1)).as("message %d", i + 1).isTrue();
        }
        assertThat(bucket.take(T0, FIVE_AN_HOUR, 1)).isFalse();
        assertThat(bucket.take(T0.plus(Duration.ofMinutes(11)), FIVE_AN_HOUR, 1)).isFalse();
        assertThat(bucket.take(T0.plus(Duration.ofMinutes(13)), FIVE_AN_HOUR, 1)).isTrue();
    }

    @Test
    void aShareShrinksTheBucketAndItsRefillButNeverBelowOneMessage() {
        TokenBucket throttled = new TokenBucket(T0);
        assertThat(throttled.level(T0, FIVE_AN_HOUR, 0.1)).isEqualTo(1.0);
        assertThat(throttled.take(T0, FIVE_AN_HOUR, 0.1)).isTrue();
        // 0.5 messages an hour: one token back after two hours, not one.
        assertThat(throttled.level(T0.plus(Duration.ofHours(1)), FIVE_AN_HOUR, 0.1))
                .isCloseTo(0.5, within(1e-9));
        assertThat(throttled.take(T0.plus(Duration.ofHours(2)), FIVE_AN_HOUR, 0.1)).isTrue();
    }

    @Test
    void aReplayThatSpendsPastTheRateShowsHowFarOver() {
        TokenBucket bucket = new TokenBucket(T0);
        for (int i = 0; i < 7; i++) {
            bucket.spend(T0, FIVE_AN_HOUR, 1);
        }

        assertThat(bucket.level(T0, FIVE_AN_HOUR, 1)).isEqualTo(-2.0);
        assertThat(bucket.level(T0.plus(Duration.ofDays(1)), FIVE_AN_HOUR, 1))
                .as("full again, never more than one period")
                .isEqualTo(5.0);
    }
}
