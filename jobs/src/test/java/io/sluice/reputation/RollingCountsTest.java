package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.reputation.RollingCounts.Window;
import org.junit.jupiter.api.Test;

class RollingCountsTest {

    private static final long H = 3_600_000L;
    private static final long T0 = 1_800_000_000_000L - 1_800_000_000_000L % H;

    @Test
    void theHourWindowSlidesInFiveMinuteStepsAndTheDayInHours() {
        RollingCounts c = new RollingCounts();
        c.add(Counter.ATTEMPTS, T0, T0, 3);
        c.add(Counter.ATTEMPTS, T0 + 30 * 60_000, T0 + 30 * 60_000, 2);

        long now = T0 + 59 * 60_000;
        assertThat(c.total(Counter.ATTEMPTS, Window.HOUR, now)).isEqualTo(5);
        // The 5-minute bucket of T0 leaves the hour window at T0 + 60 min.
        assertThat(c.total(Counter.ATTEMPTS, Window.HOUR, T0 + 60 * 60_000)).isEqualTo(2);
        assertThat(c.total(Counter.ATTEMPTS, Window.DAY, T0 + 23 * H)).isEqualTo(5);
        assertThat(c.total(Counter.ATTEMPTS, Window.DAY, T0 + 24 * H)).isZero();
        assertThat(c.isEmpty(T0 + 24 * H)).isTrue();
        assertThat(c.expiresAt()).isEqualTo(T0 + 24 * H);
    }

    @Test
    void scaledWindowsAreTheNominalOnesShortenedByTheScale() {
        // A day of 10 s: the hour window lasts 10 s / 24, the day window 10 s.
        long scale = 8_640;
        long t0 = T0 - T0 % 10_000;
        RollingCounts c = new RollingCounts(scale);
        c.add(Counter.ATTEMPTS, t0, t0, 3);
        assertThat(c.total(Counter.ATTEMPTS, Window.HOUR, t0 + 400)).isEqualTo(3);
        assertThat(c.total(Counter.ATTEMPTS, Window.HOUR, t0 + 417)).isZero();

        c.add(Counter.ATTEMPTS, t0 + 5_000, t0 + 5_000, 2);
        assertThat(c.total(Counter.ATTEMPTS, Window.DAY, t0 + 9_999)).isEqualTo(5);
        assertThat(c.total(Counter.ATTEMPTS, Window.DAY, t0 + 10_000)).isEqualTo(2);
        assertThat(c.expiresAt()).isEqualTo(t0 + 15_000);
        assertThat(c.isEmpty(t0 + 15_000)).isTrue();

        RollingCounts back = RollingCounts.decode(c.encode(t0 + 9_999), scale);
        assertThat(back.total(Counter.ATTEMPTS, Window.DAY, t0 + 9_999)).isEqualTo(5);
    }

    @Test
    void anEventOlderThanTheWindowIsNotCountedAndOneFromTheFutureCountsNow() {
        RollingCounts c = new RollingCounts();
        long now = T0 + 30 * H;
        c.add(Counter.BLOCKS, T0, now, 1);
        c.add(Counter.BLOCKS, now + 10 * H, now, 1);

        assertThat(c.total(Counter.BLOCKS, Window.DAY, now)).isEqualTo(1);
        assertThat(c.total(Counter.BLOCKS, Window.DAY, now + 24 * H)).isZero();
    }

    @Test
    void aSlotReusedByALaterBucketStartsFromZero() {
        RollingCounts c = new RollingCounts();
        c.add(Counter.OPENS, T0, T0, 7);
        long later = T0 + 25 * H; // the same slot of the 24-slot ring, a day later
        c.add(Counter.OPENS, later, later, 1);

        assertThat(c.total(Counter.OPENS, Window.DAY, later)).isEqualTo(1);
    }

    @Test
    void encodingKeepsLiveBucketsAndDropsTheRest() {
        RollingCounts c = new RollingCounts();
        c.add(Counter.ATTEMPTS, T0, T0, 300);
        c.add(Counter.COMPLAINTS, T0 + 2 * H, T0 + 2 * H, 1);

        RollingCounts back = RollingCounts.decode(c.encode(T0 + 2 * H));
        assertThat(back.totals(Window.DAY, T0 + 2 * H)).isEqualTo(c.totals(Window.DAY, T0 + 2 * H));
        assertThat(back.totals(Window.HOUR, T0 + 2 * H))
                .isEqualTo(c.totals(Window.HOUR, T0 + 2 * H));

        byte[] idle = c.encode(T0 + 30 * H);
        assertThat(idle).hasSize(3); // version and two empty rings
        assertThat(RollingCounts.decode(idle).isEmpty(T0 + 30 * H)).isTrue();
    }
}
