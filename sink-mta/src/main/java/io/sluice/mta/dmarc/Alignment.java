package io.sluice.mta.dmarc;

import java.util.Locale;

/**
 * Identifier alignment (RFC 7489 section 3.1): strict needs the same domain, relaxed the same
 * Organizational Domain.
 */
public enum Alignment {
    RELAXED,
    STRICT;

    static Alignment fromTag(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "r" -> RELAXED;
            case "s" -> STRICT;
            default ->
                    throw new DmarcRecordException(
                            DmarcRecordException.Problem.BAD_VALUE,
                            "alignment \"" + value + "\" -- expected r or s");
        };
    }

    /** Do the two identifiers align under this mode? Stray dots at either end are ignored. */
    public boolean aligns(String a, String b) {
        String x = OrganizationalDomain.normalize(a);
        String y = OrganizationalDomain.normalize(b);
        if (x.isEmpty() || y.isEmpty()) {
            return false;
        }
        if (this == STRICT) {
            return x.equals(y);
        }
        return OrganizationalDomain.of(x).equals(OrganizationalDomain.of(y));
    }
}
