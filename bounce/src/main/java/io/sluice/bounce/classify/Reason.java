package io.sluice.bounce.classify;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a message was not delivered, in sisimai's taxonomy (the corpus labels use it), plus the three
 * non-failures a returned message can also be: delivered, feedback, vacation.
 */
public enum Reason {
    AUTHFAILURE(BounceAction.FIX_AUTH),
    BADREPUTATION(BounceAction.THROTTLE),
    BLOCKED(BounceAction.PAUSE),
    CONTENTERROR(BounceAction.RETRY),
    DELIVERED(BounceAction.NONE),
    EXCEEDLIMIT(BounceAction.RETRY),
    EXPIRED(BounceAction.RETRY),
    FAILEDSTARTTLS(BounceAction.FIX_AUTH),
    FEEDBACK(BounceAction.NONE),
    FILTERED(BounceAction.RETRY),
    HASMOVED(BounceAction.SUPPRESS),
    HOSTUNKNOWN(BounceAction.SUPPRESS),
    MAILBOXFULL(BounceAction.RETRY),
    MAILERERROR(BounceAction.RETRY),
    MESGTOOBIG(BounceAction.RETRY),
    NETWORKERROR(BounceAction.RETRY),
    NORELAYING(BounceAction.FIX_AUTH),
    NOTACCEPT(BounceAction.SUPPRESS),
    NOTCOMPLIANTRFC(BounceAction.FIX_AUTH),
    ONHOLD(BounceAction.RETRY),
    POLICYVIOLATION(BounceAction.FIX_AUTH),
    REJECTED(BounceAction.FIX_AUTH),
    REQUIREPTR(BounceAction.FIX_AUTH),
    SECURITYERROR(BounceAction.FIX_AUTH),
    SPAMDETECTED(BounceAction.RETRY),
    SPEEDING(BounceAction.THROTTLE),
    SUPPRESSED(BounceAction.RETRY),
    SUSPEND(BounceAction.RETRY),
    SYNTAXERROR(BounceAction.RETRY),
    SYSTEMERROR(BounceAction.RETRY),
    SYSTEMFULL(BounceAction.RETRY),
    TOOMANYCONN(BounceAction.THROTTLE),
    UNDEFINED(BounceAction.RETRY),
    USERUNKNOWN(BounceAction.SUPPRESS),
    VACATION(BounceAction.NONE),
    VIRUSDETECTED(BounceAction.RETRY);

    private final BounceAction defaultAction;

    Reason(BounceAction defaultAction) {
        this.defaultAction = defaultAction;
    }

    /** The action taken when a rule names no action of its own. */
    public BounceAction defaultAction() {
        return defaultAction;
    }

    /** The lower-case name used in rule files and in the corpus, e.g. {@code userunknown}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Reason> byId(String id) {
        for (Reason r : values()) {
            if (r.id().equalsIgnoreCase(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
