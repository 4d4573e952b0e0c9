package io.sluice.reputation;

import java.io.Serializable;
import java.time.Duration;

/**
 * Everything the reputation job decides with: the rules, the warm-up plan and its day, the pool
 * quarantined tenants go to, how often an unhealthy warming IP is looked at again, and how much
 * shorter than real time the rules' windows run (tests and local runs only).
 */
public record ReputationPolicy(
        ReputationRules rules,
        Warmup warmup,
        String quarantinePool,
        Duration recheck,
        long timeScale)
        implements Serializable {

    /** Real hours and days. */
    public ReputationPolicy(
            ReputationRules rules, Warmup warmup, String quarantinePool, Duration recheck) {
        this(rules, warmup, quarantinePool, recheck, 1);
    }

    /**
     * How many times shorter than real time the rules' windows and {@code block-for} run: {@code
     * 24h / sluice.reputation.day}, 1 in production. The warm-up's day is already the scaled one.
     */
    public static long timeScale(Duration day) {
        long ms = day.toMillis();
        if (ms < 1000 || ms > 86_400_000L || 86_400_000L % ms != 0) {
            throw new IllegalArgumentException(
                    "sluice.reputation.day "
                            + day
                            + " -- expected 1 s to 1 d dividing a day evenly (e.g. 10 s, 1 min,"
                            + " 1 h)");
        }
        return 86_400_000L / ms;
    }

    /** {@code d} of the rules (a nominal duration) in real milliseconds. */
    public long realMillis(Duration d) {
        return Math.max(1, d.toMillis() / timeScale);
    }

    public ReputationPolicy {
        if (quarantinePool == null || quarantinePool.isBlank()) {
            throw new IllegalArgumentException(
                    "no quarantine pool -- set sluice.reputation.quarantine-pool to a pool of"
                            + " sluice.sending-ips");
        }
    }
}
