package io.sluice.reputation;

import java.util.Map;

/**
 * One decision of the reputation job, as the control topic's {@code ControlEvent} carries it
 * (mapped at the edge by {@code ReputationCodec}).
 *
 * @param controlId deterministic: type, scope, what was decided and the time of the input that
 *     decided it, so a replay writes the same id again
 * @param status IP_STATUS: BLOCKED; TENANT_STATUS: QUARANTINED or PAUSED
 * @param warmupStep WARMUP_QUOTA: the step, counted from 1
 * @param expiresAt when the decision lapses; null for never (a finished warm-up's quota is issued
 *     already lapsed, which the delivery job reads as "warm")
 */
public record Decision(
        String controlId,
        Type type,
        String sendingIp,
        String site,
        String pool,
        String tenant,
        String status,
        Long quotaPerDay,
        Integer warmupStep,
        long issuedAt,
        Long expiresAt,
        String reason,
        Map<String, Double> figures) {

    public enum Type {
        IP_STATUS,
        WARMUP_QUOTA,
        TENANT_STATUS
    }

    public static final String ISSUED_BY = "reputation-job";

    /** The control topic's key: {@link ControlKeys}. */
    public String topicKey() {
        return ControlKeys.of(type.name(), sendingIp, site, tenant);
    }
}
