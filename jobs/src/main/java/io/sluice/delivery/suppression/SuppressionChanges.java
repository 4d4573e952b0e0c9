package io.sluice.delivery.suppression;

import io.sluice.mta.address.EmailAddress;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionScope;

/**
 * Maps the Avro {@link SuppressionChange} read from {@code sluice.suppressions} to a {@link
 * SuppressionUpdate}, at the edge of the job.
 */
public final class SuppressionChanges {

    private SuppressionChanges() {}

    /**
     * The update a change asks for. The address is normalized again: producers are asked to
     * normalize, but a bulk import that did not must not create a key no message ever matches.
     *
     * @throws IllegalArgumentException if the address is not a mailbox or the scope and tenant
     *     contradict each other; the message names the change
     */
    public static SuppressionUpdate toUpdate(SuppressionChange c) {
        String address;
        try {
            address =
                    c.getAddress().startsWith("@")
                            ? SuppressionKey.ofDomain(c.getAddress().substring(1))
                            : SuppressionKey.of(c.getAddress());
        } catch (EmailAddress.InvalidAddressException e) {
            throw new IllegalArgumentException(
                    "suppression change " + describe(c) + ": " + e.getMessage(), e);
        }
        Suppression.Reason reason = reason(c.getReason());
        Suppression s =
                switch (c.getScope()) {
                    case GLOBAL -> {
                        if (c.getTenant() != null) {
                            throw new IllegalArgumentException(
                                    "suppression change "
                                            + describe(c)
                                            + ": scope GLOBAL with tenant '"
                                            + c.getTenant()
                                            + "' -- set scope TENANT, or drop the tenant");
                        }
                        yield Suppression.global(
                                address,
                                reason,
                                c.getSourceEventId(),
                                c.getChangedAt(),
                                c.getExpiresAt());
                    }
                    case TENANT -> {
                        if (c.getTenant() == null || c.getTenant().isEmpty()) {
                            throw new IllegalArgumentException(
                                    "suppression change "
                                            + describe(c)
                                            + ": scope TENANT without a tenant -- set the"
                                            + " tenant, or use scope GLOBAL");
                        }
                        yield Suppression.forTenant(
                                address,
                                c.getTenant(),
                                reason,
                                c.getSourceEventId(),
                                c.getChangedAt(),
                                c.getExpiresAt());
                    }
                };
        return switch (c.getAction()) {
            case ADD -> SuppressionUpdate.add(s);
            case REMOVE -> SuppressionUpdate.remove(s);
        };
    }

    /**
     * The topic key of a change: {@code global:<address>} or {@code tenant:<id>:<address>}, so
     * compaction keeps the latest change per address and scope, and one partition orders them.
     */
    public static String topicKey(SuppressionChange c) {
        return c.getScope() == SuppressionScope.TENANT
                ? "tenant:" + c.getTenant() + ":" + c.getAddress()
                : "global:" + c.getAddress();
    }

    // A switch rather than valueOf(name()): a symbol added to the schema fails the build here.
    private static Suppression.Reason reason(io.sluice.schema.SuppressionReason r) {
        return switch (r) {
            case UNKNOWN -> Suppression.Reason.UNKNOWN;
            case HARD_BOUNCE -> Suppression.Reason.HARD_BOUNCE;
            case COMPLAINT -> Suppression.Reason.COMPLAINT;
            case UNSUBSCRIBE -> Suppression.Reason.UNSUBSCRIBE;
            case MANUAL -> Suppression.Reason.MANUAL;
            case SPAM_TRAP -> Suppression.Reason.SPAM_TRAP;
        };
    }

    private static String describe(SuppressionChange c) {
        return c.getAction()
                + " '"
                + c.getAddress()
                + "' ("
                + c.getScope()
                + (c.getTenant() == null ? "" : " " + c.getTenant())
                + ", source "
                + c.getSourceEventId()
                + ")";
    }
}
