package io.sluice.delivery.send;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a deferred message may be tried again: exponential backoff from {@code firstDelay}, capped
 * at {@code maxDelay}, at most {@code maxAttempts} attempts in all and never past {@code maxAge}
 * after the first. The defaults (REFERENCE.md: soft bounces retried 3 times over 72 hours) are 4
 * attempts, 15 minutes doubling to 24 hours, within 72 hours.
 */
public record RetrySchedule(
        Duration firstDelay, Duration maxDelay, int maxAttempts, Duration maxAge)
        implements Serializable {

    public RetrySchedule {
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("retry delays must be positive and first <= max");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static RetrySchedule defaults() {
        return new RetrySchedule(
                Duration.ofMinutes(15), Duration.ofHours(24), 4, Duration.ofHours(72));
    }

    /** This schedule in simulated time: every delay and the max age shrunk by {@code scale}. */
    public RetrySchedule timeScaled(io.sluice.delivery.TimeScale scale) {
        return scale.isReal()
                ? this
                : new RetrySchedule(
                        scale.shrink(firstDelay),
                        scale.shrink(maxDelay),
                        maxAttempts,
                        scale.shrink(maxAge));
    }

    /** The due time of the attempt after {@code attempt}, or empty once no attempt is left. */
    public Optional<Instant> nextAttempt(int attempt, Instant firstAttemptAt, Instant now) {
        if (attempt >= maxAttempts) {
            return Optional.empty();
        }
        Duration delay = firstDelay.multipliedBy(1L << Math.min(attempt - 1, 20));
        Instant due = now.plus(delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
        Instant deadline = firstAttemptAt.plus(maxAge);
        if (due.isAfter(deadline)) {
            // One last try at the deadline beats giving up early, unless that moment has passed.
            return deadline.isAfter(now) ? Optional.of(deadline) : Optional.empty();
        }
        return Optional.of(due);
    }
}
