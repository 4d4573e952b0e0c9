package io.sluice.sim.policy;

import io.sluice.sim.profile.Rate;
import java.time.Duration;
import java.time.Instant;

/**
 * The bucket a simulated provider keeps per sender: it holds one period of the sender's rate
 * (scaled by a share, at least one message), is full the first time it is asked (a new IP may send
 * its first period's allowance at once), and refills continuously at the rate. The rate is passed
 * on every call because the sender's tier, and so its rate, changes as it earns its way up. Tests
 * replay runs through it to see how close a sender came to being refused.
 */
public final class TokenBucket {

    /** NaN until first asked; it can go below zero in a replay ({@link #spend}). */
    private double tokens = Double.NaN;

    private Instant refilledAt;

    /** A bucket whose refill clock starts at {@code start}; it is full when first asked. */
    public TokenBucket(Instant start) {
        this.refilledAt = start;
    }

    /** The tokens held at {@code now} under {@code rate} scaled by {@code share}, after refill. */
    public double level(Instant now, Rate rate, double share) {
        double capacity = capacity(rate, share);
        if (Double.isNaN(tokens)) {
            tokens = capacity;
        }
        double seconds = Math.max(0, Duration.between(refilledAt, now).toNanos() / 1e9);
        tokens = Math.min(capacity, tokens + seconds * rate.perSecond() * share);
        refilledAt = now;
        return tokens;
    }

    /** Takes one token if the bucket holds one at {@code now}; false leaves it as it was. */
    public boolean take(Instant now, Rate rate, double share) {
        if (level(now, rate, share) < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /**
     * Takes one token whether or not the bucket holds one, for a replay of messages that were
     * accepted: the level can then go below zero, which is how far over the rate they went.
     */
    public void spend(Instant now, Rate rate, double share) {
        level(now, rate, share);
        tokens -= 1;
    }

    /** The bucket's size under {@code rate} scaled by {@code share}: one period, at least 1. */
    public static double capacity(Rate rate, double share) {
        return Math.max(1, rate.messages() * share);
    }
}
