package io.sluice.delivery;

import java.io.Serializable;

/**
 * Traffic running at {@code 1/factor} of its real volume, for simulations: {@code
 * sluice.volume-scale} 20 divides every count of Sluice's policies that is sized for real traffic
 * (shaping rates and warm-up quotas) by 20, so that a scenario sending a twentieth of the mail
 * meets the same limits at the same moments. The simulated providers divide their per-IP rates and
 * tier thresholds by the same factor; together they keep the shape of a warm-up (quota against
 * provider limit, step by step) at a volume two cores can carry. Shares (bounce and complaint
 * rates) and durations are untouched: the first are already per message, the second belong to
 * {@link TimeScale}. docs/simulate.md says why.
 */
public record VolumeScale(double factor) implements Serializable {

    public static final VolumeScale REAL = new VolumeScale(1.0);

    public VolumeScale {
        if (!(factor >= 1.0) || factor > 1_000_000 || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(
                    "volume scale "
                            + factor
                            + " -- expected a divisor from 1 (real volume) to 1000000");
        }
    }

    public boolean isReal() {
        return factor == 1.0;
    }

    /**
     * {@code n} real messages at this scale, rounded, never below 1 for a positive n: a quota of
     * 100 at 1/20 is 5, a quota of 10 is 1 (rounding it to 0 would stop the IP, the opposite of the
     * intent).
     */
    public long count(long n) {
        if (isReal() || n <= 0) {
            return n;
        }
        return Math.max(1, Math.round(n / factor));
    }
}
