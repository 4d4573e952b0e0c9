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
 * @param dkim for DKIM_KEY: the key change the SMTP stage applies
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
        String reason,
        DkimChange dkim) {

    public enum Type {
        IP_STATUS,
        WARMUP_QUOTA,
        RATE_OVERRIDE,
        TENANT_STATUS,
        DKIM_KEY
    }

    /** A decision of any type but DKIM_KEY. */
    public Control(
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
        this(
                type,
                sendingIp,
                site,
                pool,
                tenant,
                status,
                quotaPerDay,
                rate,
                expiresAt,
                reason,
                null);
    }

    /**
     * A later decision with the same scope replaces this one (as compaction does on the topic); a
     * DKIM key's scope is its selector, so its withdrawal replaces its activation.
     */
    public String scope() {
        if (type == Type.DKIM_KEY) {
            return type + "|" + dkim.domain() + "|" + dkim.selector();
        }
        return type + "|" + nz(sendingIp) + "|" + nz(site) + "|" + nz(tenant);
    }

    public boolean inForce(long nowMillis) {
        return expiresAt == null || expiresAt.toEpochMilli() > nowMillis;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
