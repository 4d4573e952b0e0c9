package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryScheduleTest {

    private static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");
    private final RetrySchedule schedule = RetrySchedule.defaults();

    @ParameterizedTest
    @CsvSource({"1, 15", "2, 30", "3, 60"})
    void backsOffExponentially(int attempt, long minutes) {
        assertThat(schedule.nextAttempt(attempt, T0, T0))
                .contains(T0.plus(Duration.ofMinutes(minutes)));
    }

    @Test
    void stopsAfterTheLastAttempt() {
        assertThat(schedule.nextAttempt(4, T0, T0)).isEmpty();
    }

    @Test
    void neverSchedulesPastTheMaximumAge() {
        RetrySchedule s =
                new RetrySchedule(
                        Duration.ofHours(10), Duration.ofHours(48), 10, Duration.ofHours(72));
        Instant now = T0.plus(Duration.ofHours(70));

        assertThat(s.nextAttempt(3, T0, now)).contains(T0.plus(Duration.ofHours(72)));
        assertThat(s.nextAttempt(4, T0, T0.plus(Duration.ofHours(72)))).isEmpty();
    }
}
