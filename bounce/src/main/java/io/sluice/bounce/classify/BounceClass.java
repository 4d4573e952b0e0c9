package io.sluice.bounce.classify;

import java.util.Set;

/**
 * Hard, soft, or not a failure at all.
 *
 * <p>The policy is fixed in code rather than in the rule files because it is a safety invariant,
 * not a tuning knob: only an address that does not exist (user unknown, host unknown, has moved) or
 * a destination that refuses all mail with a permanent 5xx (RFC 7505 null MX, "does not accept
 * mail") is hard. Everything else -- throttles, blocks, reputation, policy, authentication, mailbox
 * full, timeouts -- is not the address's fault, and suppressing on it loses live customers. See
 * docs/design/bounce-classification.md.
 */
public enum BounceClass {
    HARD,
    SOFT,
    NONE;

    private static final Set<Reason> ADDRESS_GONE =
            Set.of(Reason.USERUNKNOWN, Reason.HOSTUNKNOWN, Reason.HASMOVED);
    private static final Set<Reason> NOT_A_FAILURE =
            Set.of(Reason.DELIVERED, Reason.FEEDBACK, Reason.VACATION);

    /** The class of {@code reason} given the reply it came from. */
    public static BounceClass of(Reason reason, SmtpReply reply) {
        if (NOT_A_FAILURE.contains(reason)) {
            return NONE;
        }
        // A 4xx reply is transient by definition (RFC 5321 section 4.2.1), whatever its text says.
        if (reply.isTransient()) {
            return SOFT;
        }
        if (ADDRESS_GONE.contains(reason)) {
            return HARD;
        }
        if (reason == Reason.NOTACCEPT && reply.isPermanent()) {
            return HARD;
        }
        return SOFT;
    }
}
