package io.sluice.mta.dmarc;

import java.util.Locale;

/** What the domain owner asks receivers to do with failing mail (RFC 7489 section 6.3, p=). */
public enum DmarcPolicy {
    NONE,
    QUARANTINE,
    REJECT;

    static DmarcPolicy fromTag(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "quarantine" -> QUARANTINE;
            case "reject" -> REJECT;
            default ->
                    throw new DmarcRecordException(
                            DmarcRecordException.Problem.BAD_VALUE,
                            "policy \"" + value + "\" -- expected none, quarantine or reject");
        };
    }

    /** The next-lower policy, for mail that falls outside pct= (6.6.4). */
    DmarcPolicy lower() {
        return this == REJECT ? QUARANTINE : NONE;
    }
}
