package io.sluice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.delivery.send.RetrySchedule;
import io.sluice.delivery.shaping.ResponseRules;
import io.sluice.reputation.ReputationOptions;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class TimeScaleTest {

    @Test
    void aDayAMinuteShrinksPolicyDurations() {
        TimeScale scale = new TimeScale(1440);
        assertThat(scale.day()).isEqualTo(Duration.ofMinutes(1));
        assertThat(scale.shrink(Duration.ofHours(24))).isEqualTo(Duration.ofMinutes(1));
        assertThat(scale.shrink(Duration.ofMinutes(15))).isEqualTo(Duration.ofMillis(625));
        // Never down to nothing: a positive duration stays at least a millisecond.
        assertThat(scale.shrink(Duration.ofNanos(10))).isEqualTo(Duration.ofMillis(1));
        assertThat(TimeScale.REAL.shrink(Duration.ofHours(3))).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void aFactorBelowOneOrNotANumberIsRefused() {
        assertThatThrownBy(() -> new TimeScale(0.5)).hasMessageContaining("expected a factor");
        assertThatThrownBy(() -> new TimeScale(Double.NaN)).hasMessageContaining("expected");
    }

    @Test
    void retriesKeepTheirCountAndShapeInSimulatedTime() {
        RetrySchedule scaled = RetrySchedule.defaults().timeScaled(new TimeScale(60));
        Instant t0 = Instant.parse("2026-11-28T00:00:00Z");
        // 15 min, 30 min, 60 min of simulated time: 15 s, 30 s, 60 s on the clock; 72 h -> 72 min.
        assertThat(scaled.nextAttempt(1, t0, t0)).contains(t0.plusSeconds(15));
        assertThat(scaled.nextAttempt(3, t0, t0)).contains(t0.plusSeconds(60));
        assertThat(scaled.nextAttempt(4, t0, t0)).isEmpty();
        assertThat(scaled.maxAge()).isEqualTo(Duration.ofMinutes(72));
    }

    @Test
    void responseRuleWindowsAndPausesShrinkTheirRegexesStay() {
        ResponseRules real = ResponseRules.defaults();
        ResponseRules scaled = real.timeScaled(new TimeScale(3600));
        String block = "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred";
        var r = real.match("yahoo", block).orElseThrow();
        var s = scaled.match("yahoo", block).orElseThrow();
        assertThat(s.where()).isEqualTo(r.where());
        assertThat(s.duration().multipliedBy(3600)).isEqualTo(r.duration());
    }

    @Test
    void theDayFollowsTheScaleUnlessTheReputationDayIsSet() {
        Configuration c = new Configuration();
        assertThat(DeliveryOptions.day(c)).isEqualTo(Duration.ofDays(1));
        c.set(DeliveryOptions.TIME_SCALE, 1440.0);
        assertThat(DeliveryOptions.day(c)).isEqualTo(Duration.ofMinutes(1));
        assertThat(ReputationOptions.policy(c)).isNotNull();
        c.set(ReputationOptions.DAY, Duration.ofSeconds(30));
        assertThat(DeliveryOptions.day(c)).isEqualTo(Duration.ofSeconds(30));
    }
}
