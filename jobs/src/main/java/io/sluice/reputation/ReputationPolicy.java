package io.sluice.reputation;

import java.io.Serializable;
import java.time.Duration;

/**
 * Everything the reputation job decides with: the rules, the warm-up plan and its day, the pool
 * quarantined tenants go to, and how often an unhealthy warming IP is looked at again.
 */
public record ReputationPolicy(
        ReputationRules rules, Warmup warmup, String quarantinePool, Duration recheck)
        implements Serializable {

    public ReputationPolicy {
        if (quarantinePool == null || quarantinePool.isBlank()) {
            throw new IllegalArgumentException(
                    "no quarantine pool -- set sluice.reputation.quarantine-pool to a pool of"
                            + " sluice.sending-ips");
        }
    }
}
