package io.sluice.mta.dkim;

import java.util.Locale;

/**
 * One header field exactly as it appears in the message: {@code raw} is the name, the colon and the
 * value with any folding CRLFs kept, without the terminating CRLF. Text is held as ISO-8859-1 so
 * that every byte of the message survives unchanged (DKIM signs bytes, RFC 6376 section 3.4).
 */
public record HeaderField(String name, String raw) {

    public HeaderField {
        if (raw.indexOf(':') < 0) {
            throw new IllegalArgumentException("header field without a colon: " + raw);
        }
    }

    /** Parses {@code Name: value} (possibly folded); the name is the text before the colon. */
    public static HeaderField of(String raw) {
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("header field without a name: " + raw);
        }
        return new HeaderField(raw.substring(0, colon).stripTrailing(), raw);
    }

    /**
     * The field name in lower case, for the case-insensitive matching of RFC 5322 section 1.2.2.
     */
    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Everything after the colon, folding included. */
    public String value() {
        return raw.substring(raw.indexOf(':') + 1);
    }

    public boolean hasName(String other) {
        return name.equalsIgnoreCase(other);
    }
}
