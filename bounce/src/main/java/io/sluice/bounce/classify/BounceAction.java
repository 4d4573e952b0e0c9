package io.sluice.bounce.classify;

import java.util.Locale;
import java.util.Optional;

/** What the platform does about a classified reply. */
public enum BounceAction {
    /** Hard bounce: put the recipient on the suppression list. */
    SUPPRESS,
    /** Soft failure: retry the recipient on the retry schedule, expire as soft. */
    RETRY,
    /** Slow this sending IP down at this site. */
    THROTTLE,
    /** Stop this sending IP at this site for a while (it is blocked there). */
    PAUSE,
    /**
     * Authentication or policy problem on the sender's side: alert the tenant, do not retry
     * blindly.
     */
    FIX_AUTH,
    /** Not a failure (delivered, auto-reply, complaint handled elsewhere). */
    NONE;

    /** The spelling used in rule files and on the command line, e.g. {@code fix-auth}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<BounceAction> byId(String id) {
        for (BounceAction a : values()) {
            if (a.id().equalsIgnoreCase(id)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
