package io.sluice.mta.spf;

import java.util.Locale;

/** The results of check_host() (RFC 7208 section 2.6). */
public enum SpfResult {
    NONE,
    NEUTRAL,
    PASS,
    FAIL,
    SOFTFAIL,
    TEMPERROR,
    PERMERROR;

    /** The lower-case name used in Received-SPF and Authentication-Results (RFC 7208 9.1). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The result a directive with this qualifier gives when it matches (4.6.2). */
    static SpfResult ofQualifier(char qualifier) {
        return switch (qualifier) {
            case '-' -> FAIL;
            case '~' -> SOFTFAIL;
            case '?' -> NEUTRAL;
            default -> PASS;
        };
    }
}
