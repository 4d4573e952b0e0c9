package io.sluice.sim.auth;

import java.util.List;

/**
 * What a simulated provider concluded about a message's authentication.
 *
 * @param dkimPassed the d= domains of the signatures that verified
 * @param spf the SPF result for the MAIL FROM domain (RFC 7208 section 2.6: pass, fail, softfail,
 *     neutral, none, temperror, permerror)
 * @param dmarc pass when the From domain aligns (relaxed) with a passing DKIM or SPF domain; fail
 *     otherwise; none when the From domain publishes no DMARC record
 * @param dkimSelectors the s= selectors of the signatures that verified
 */
public record AuthVerdict(
        List<String> dkimPassed,
        String spf,
        String spfDomain,
        String fromDomain,
        String dmarc,
        List<String> dkimSelectors) {

    public AuthVerdict {
        dkimPassed = List.copyOf(dkimPassed);
        dkimSelectors = List.copyOf(dkimSelectors);
    }

    public boolean dkimPass() {
        return !dkimPassed.isEmpty();
    }

    public boolean spfPass() {
        return spf.equals("pass");
    }

    /** An Authentication-Results value (RFC 8601), without the authserv-id. */
    public String header() {
        return "dkim="
                + (dkimPass()
                        ? "pass header.d="
                                + String.join(",", dkimPassed)
                                + " header.s="
                                + String.join(",", dkimSelectors)
                        : "fail")
                + "; spf="
                + spf
                + " smtp.mailfrom="
                + spfDomain
                + "; dmarc="
                + dmarc
                + " header.from="
                + fromDomain;
    }
}
