package io.sluice.delivery.shaping;

import java.time.Instant;

/**
 * One decision of the control stream (the Avro {@code ControlEvent}, mapped at the edge), as the
 * scheduler keeps it: the latest per {@link #scope()} is in force.
 *
 * @param status for IP_STATUS: ACTIVE, WARMING, THROTTLED, PAUSED, BLOCKED, RETIRED; for
 *     TENANT_STATUS: ACTIVE, QUARANTINED, PAUSED
 * @param quotaPerDay for WARMUP_QUOTA: messages a day the IP may send to the site
 * @param rate for RATE_OVERRIDE: the rate that replaces the rule's, e.g. {@code 500/h}
 * @param expiresAt when the decision lapses; null for never
 */
public record Control(
        Type type,
        String sendingIp,
        String site,
        String pool,
        String tenant,
        String status,
        Long quotaPerDay,
        String rate,
        Instant expiresAt,
        String reason) {

    public enum Type {
        IP_STATUS,
        WARMUP_QUOTA,
        RATE_OVERRIDE,
        TENANT_STATUS
    }

    /** A later decision with the same scope replaces this one (as compaction does on the topic). */
    public String scope() {
        return type + "|" + nz(sendingIp) + "|" + nz(site) + "|" + nz(tenant);
    }

    public boolean inForce(long nowMillis) {
        return expiresAt == null || expiresAt.toEpochMilli() > nowMillis;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
