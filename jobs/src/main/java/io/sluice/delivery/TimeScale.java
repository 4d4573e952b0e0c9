package io.sluice.delivery;

import java.io.Serializable;
import java.time.Duration;

/**
 * Simulated time running {@code factor} times faster than the clock, for simulations and local
 * runs: {@code sluice.time-scale} 1440 makes a day of policy pass in a minute. Every duration of
 * Sluice's policies (shaping rates, pauses, probes, retry delays, queue age, reputation windows,
 * warm-up days) shrinks by the factor; what belongs to the network (SMTP and DNS time-outs, idle
 * connections, the gap between replies to mail already on the wire) does not.
 */
public record TimeScale(double factor) implements Serializable {

    public static final TimeScale REAL = new TimeScale(1.0);

    public TimeScale {
        if (!(factor >= 1.0) || factor > 1_000_000 || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(
                    "time scale " + factor + " -- expected a factor from 1 (real time) to 1000000");
        }
    }

    public boolean isReal() {
        return factor == 1.0;
    }

    /** {@code d} of simulated time as time on the clock; never below a millisecond if d > 0. */
    public Duration shrink(Duration d) {
        if (isReal() || d.isZero() || d.isNegative()) {
            return d;
        }
        long nanos = Math.max(1_000_000L, Math.round(d.toNanos() / factor));
        return Duration.ofNanos(nanos);
    }

    /** The simulated day on the clock, rounded to a whole millisecond. */
    public Duration day() {
        return Duration.ofMillis(Math.max(1, Math.round(86_400_000.0 / factor)));
    }
}
