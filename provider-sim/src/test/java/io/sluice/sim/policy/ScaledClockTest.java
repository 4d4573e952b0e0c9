package io.sluice.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScaledClockTest {

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    @Test
    void anHourOfSimulatedTimePassesInASecondAtScale3600() {
        MovableClock base = new MovableClock(T0);
        Clock simulated = new ScaledClock(base, 3600);

        base.advance(Duration.ofSeconds(1));

        assertThat(simulated.instant()).isEqualTo(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void anotherZoneReadsTheSameSimulatedInstant() {
        MovableClock base = new MovableClock(T0);
        Clock simulated = new ScaledClock(base, 60);
        Clock paris = simulated.withZone(ZoneId.of("Europe/Paris"));

        base.advance(Duration.ofSeconds(10));

        assertThat(paris.instant()).isEqualTo(simulated.instant()).isEqualTo(T0.plusSeconds(600));
    }

    @Test
    void aScaleThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new ScaledClock(Clock.systemUTC(), 0))
                .hasMessage("time scale must be positive, was 0.0");
    }
}
