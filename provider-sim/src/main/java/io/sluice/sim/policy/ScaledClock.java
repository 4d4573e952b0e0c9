package io.sluice.sim.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Simulated time that runs {@code scale} times faster than its base clock from the moment it was
 * made, so that a provider's hourly limits play out in seconds: at scale 3600 an hour passes each
 * real second. Tests that must not depend on the machine's speed inject a clock they move instead.
 */
public final class ScaledClock extends Clock {

    private final Clock base;
    private final double scale;
    private final Instant origin;

    public ScaledClock(Clock base, double scale) {
        this(base, scale, base.instant());
        if (!(scale > 0)) {
            throw new IllegalArgumentException("time scale must be positive, was " + scale);
        }
    }

    private ScaledClock(Clock base, double scale, Instant origin) {
        this.base = base;
        this.scale = scale;
        this.origin = origin;
    }

    public double scale() {
        return scale;
    }

    @Override
    public Instant instant() {
        Duration real = Duration.between(origin, base.instant());
        return origin.plusNanos((long) (real.toNanos() * scale));
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    /** The same simulated time (same origin and scale), read in {@code zone}. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new ScaledClock(base.withZone(zone), scale, origin);
    }
}
