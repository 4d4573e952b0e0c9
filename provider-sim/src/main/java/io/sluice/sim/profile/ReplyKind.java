package io.sluice.sim.profile;

import java.util.Locale;

/** The situations a profile must give a reply for; the file key is {@code reply.<name>}. */
public enum ReplyKind {
    RATE_LIMITED,
    THROTTLED,
    BLOCKED,
    TOO_MANY_CONNECTIONS,
    TOO_MANY_MESSAGES,
    UNKNOWN_USER,
    MAILBOX_FULL,
    DISABLED,
    GREYLISTED,
    UNAUTHENTICATED;

    /** The name in a profile file: {@code rate-limited}, {@code too-many-connections}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
