package io.sluice.sim.smtp;

import java.util.Locale;
import java.util.Optional;

/**
 * What a simulated mailbox does with a recipient, chosen by the local part's prefix so that a
 * failure case in a test or a sample campaign is one address: {@code unknown-...} does not exist,
 * {@code full-...} is over quota, {@code greylist-...} is greylisted on first sight, {@code
 * disabled-...} is a disabled account. Replies are the providers' own texts (REFERENCE.md).
 */
public enum RecipientBehaviour {
    ACCEPT(null, 250, null),
    UNKNOWN_USER(
            "unknown-", 550, "5.1.1 The email account that you tried to reach does not exist."),
    MAILBOX_FULL("full-", 452, "4.2.2 The email account that you tried to reach is over quota."),
    GREYLISTED("greylist-", 451, "4.7.1 Greylisted, please try again later."),
    DISABLED("disabled-", 550, "5.2.1 The email account that you tried to reach is disabled.");

    private final String prefix;
    private final int code;
    private final String text;

    RecipientBehaviour(String prefix, int code, String text) {
        this.prefix = prefix;
        this.code = code;
        this.text = text;
    }

    public static RecipientBehaviour of(String recipient) {
        String local = recipient.toLowerCase(Locale.ROOT);
        for (RecipientBehaviour b : values()) {
            if (b.prefix != null && local.startsWith(b.prefix)) {
                return b;
            }
        }
        return ACCEPT;
    }

    /** The local-part prefix that selects this behaviour, if any. */
    public Optional<String> prefix() {
        return Optional.ofNullable(prefix);
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }
}
