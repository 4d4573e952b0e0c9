package io.sluice.mta.dmarc;

import com.google.common.net.InternetDomainName;
import java.util.Locale;

/**
 * The Organizational Domain of a name (RFC 7489 section 3.2): its public suffix plus one label,
 * with the Public Suffix List that Guava carries (regenerated from publicsuffix.org for each Guava
 * release, so updating Guava updates the list; nothing is downloaded at run time). Both the ICANN
 * and the private sections count, as in OpenDMARC. A name under no listed suffix falls back to the
 * PSL's default rule "*": its last two labels.
 */
public final class OrganizationalDomain {

    private OrganizationalDomain() {}

    public static String of(String domain) {
        String d = normalize(domain);
        try {
            InternetDomainName name = InternetDomainName.from(d);
            if (name.isPublicSuffix()) {
                return d;
            }
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Not a name Guava accepts (e.g. a label with '_'): use the default rule below.
        }
        String[] labels = d.split("\\.");
        if (labels.length <= 2) {
            return d;
        }
        return labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    /** Lower case, without leading or trailing dots. */
    static String normalize(String domain) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        int start = 0;
        int end = d.length();
        while (start < end && d.charAt(start) == '.') {
            start++;
        }
        while (end > start && d.charAt(end - 1) == '.') {
            end--;
        }
        return d.substring(start, end);
    }
}
