package io.sluice.delivery.suppression;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One address on the suppression list, for everyone (global) or for one tenant.
 *
 * <p>The canonical constructor does not validate, because Flink's serializer also builds instances
 * field by field; build them with {@link #global} or {@link #forTenant}, which do.
 *
 * @param address normalized ({@link SuppressionKey})
 * @param tenant set exactly when {@code scope} is {@link Scope#TENANT}
 * @param sourceEventId the delivery or feedback event that caused it, when known
 * @param expiresAt when it lapses by itself; null for never
 */
public record Suppression(
        String address,
        Scope scope,
        String tenant,
        Reason reason,
        String sourceEventId,
        Instant changedAt,
        Instant expiresAt) {

    /** The scope key of global suppressions ({@link #scopeKey()}). */
    public static final String GLOBAL_SCOPE = "global";

    /** Who a suppression applies to. */
    public enum Scope {
        GLOBAL,
        TENANT
    }

    /** Why an address is suppressed. */
    public enum Reason {
        UNKNOWN,
        HARD_BOUNCE,
        COMPLAINT,
        UNSUBSCRIBE,
        MANUAL,
        SPAM_TRAP;

        /** As it appears in events: {@code hard-bounce}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static Suppression global(
            String address,
            Reason reason,
            String sourceEventId,
            Instant changedAt,
            Instant expiresAt) {
        return checked(
                new Suppression(
                        address, Scope.GLOBAL, null, reason, sourceEventId, changedAt, expiresAt));
    }

    public static Suppression forTenant(
            String address,
            String tenant,
            Reason reason,
            String sourceEventId,
            Instant changedAt,
            Instant expiresAt) {
        if (tenant == null || tenant.isEmpty()) {
            throw new IllegalArgumentException(
                    "tenant suppression of '" + address + "' names no tenant");
        }
        return checked(
                new Suppression(
                        address,
                        Scope.TENANT,
                        tenant,
                        reason,
                        sourceEventId,
                        changedAt,
                        expiresAt));
    }

    /** The scope key of a tenant's suppressions ({@link #scopeKey()}). */
    public static String tenantScope(String tenant) {
        return "tenant:" + tenant;
    }

    /**
     * {@code global} or {@code tenant:<id>}: the key of this entry among an address's suppressions.
     * Stored in state, so never change its format.
     */
    public String scopeKey() {
        return scope == Scope.GLOBAL ? GLOBAL_SCOPE : tenantScope(tenant);
    }

    /**
     * Whether it still holds at {@code now}; it lapses at its expiry, not one millisecond later.
     */
    public boolean isActiveAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    private static Suppression checked(Suppression s) {
        Objects.requireNonNull(s.address, "address");
        Objects.requireNonNull(s.reason, "reason");
        Objects.requireNonNull(s.changedAt, "changedAt");
        return s;
    }
}
