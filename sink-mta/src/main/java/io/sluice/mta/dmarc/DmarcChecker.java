package io.sluice.mta.dmarc;

import io.sluice.mta.dkim.DkimStatus;
import io.sluice.mta.dkim.DkimVerification;
import io.sluice.mta.spf.SpfResult;
import io.sluice.mta.spf.SpfVerdict;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * DMARC (RFC 7489): finds the policy of the From domain (6.6.3), checks whether an SPF pass or a
 * DKIM pass aligns with the From domain (3.1), and says what the policy asks for (6.6.4).
 */
public final class DmarcChecker {

    /** What policy discovery found: the record, where, and whether p= or sp= applies. */
    public record Discovery(DmarcRecord record, String domain, DmarcPolicy applicable) {}

    private final DmarcRecordLookup dns;
    private final RandomGenerator sampling;

    /** {@code sampling} draws the pct= sample (6.6.4); tests pass a seeded generator. */
    public DmarcChecker(DmarcRecordLookup dns, RandomGenerator sampling) {
        this.dns = dns;
        this.sampling = sampling;
    }

    public DmarcVerdict check(
            String fromDomain, SpfVerdict spf, String mailFromDomain, List<DkimVerification> dkim) {
        List<String> dkimPass =
                dkim.stream()
                        .filter(v -> v.status() == DkimStatus.PASS)
                        .map(DkimVerification::domain)
                        .toList();
        return check(fromDomain, spf.result(), mailFromDomain, dkimPass);
    }

    /**
     * @param spfDomain the domain SPF authenticated (MAIL FROM, or HELO for a null sender)
     * @param dkimPassDomains the d= of every DKIM signature that passed
     */
    public DmarcVerdict check(
            String fromDomain, SpfResult spf, String spfDomain, List<String> dkimPassDomains) {
        String from = OrganizationalDomain.normalize(fromDomain);
        Optional<Discovery> found;
        try {
            found = discover(from);
        } catch (IOException e) {
            return new DmarcVerdict(
                    DmarcResult.TEMPERROR,
                    DmarcPolicy.NONE,
                    false,
                    false,
                    Optional.empty(),
                    from,
                    "DMARC record lookup failed: " + e.getMessage());
        }
        if (found.isEmpty()) {
            return new DmarcVerdict(
                    DmarcResult.NONE,
                    DmarcPolicy.NONE,
                    false,
                    false,
                    Optional.empty(),
                    from,
                    "no DMARC record for " + from);
        }
        return evaluate(from, found.get(), spf, spfDomain, dkimPassDomains);
    }

    /** Alignment and disposition under a discovered policy (3.1, 6.6.2, 6.6.4). */
    public DmarcVerdict evaluate(
            String fromDomain,
            Discovery policy,
            SpfResult spf,
            String spfDomain,
            List<String> dkimPassDomains) {
        DmarcRecord r = policy.record();
        boolean dkimAligned =
                dkimPassDomains.stream()
                        .anyMatch(d -> d != null && r.dkimAlignment().aligns(d, fromDomain));
        boolean spfAligned =
                spf == SpfResult.PASS
                        && spfDomain != null
                        && r.spfAlignment().aligns(spfDomain, fromDomain);
        if (dkimAligned || spfAligned) {
            return new DmarcVerdict(
                    DmarcResult.PASS,
                    DmarcPolicy.NONE,
                    dkimAligned,
                    spfAligned,
                    Optional.of(r),
                    policy.domain(),
                    dkimAligned ? "aligned DKIM pass" : "aligned SPF pass");
        }
        DmarcPolicy disposition = policy.applicable();
        String reason = "no aligned SPF or DKIM pass";
        if (r.percent() < 100 && sampling.nextInt(100) >= r.percent()) {
            disposition = disposition.lower();
            reason += "; outside pct=" + r.percent() + ", policy lowered";
        }
        return new DmarcVerdict(
                DmarcResult.FAIL,
                disposition,
                false,
                false,
                Optional.of(r),
                policy.domain(),
                reason);
    }

    /**
     * 6.6.3: the record at _dmarc.<From domain>, else at _dmarc.<Organizational Domain>, where sp=
     * (or p=) then applies. A name with no single valid record counts as having none.
     */
    public Optional<Discovery> discover(String fromDomain) throws IOException {
        String from = OrganizationalDomain.normalize(fromDomain);
        Optional<DmarcRecord> own = recordAt(from);
        if (own.isPresent()) {
            return Optional.of(new Discovery(own.get(), from, own.get().policy()));
        }
        String org = OrganizationalDomain.of(from);
        if (org.equals(from)) {
            return Optional.empty();
        }
        return recordAt(org).map(r -> new Discovery(r, org, r.policyForSubdomains()));
    }

    private Optional<DmarcRecord> recordAt(String domain) throws IOException {
        List<String> dmarc =
                dns.txt("_dmarc." + domain).stream().filter(DmarcRecord::isDmarc).toList();
        if (dmarc.size() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(DmarcRecord.parse(dmarc.get(0)));
        } catch (DmarcRecordException e) {
            return Optional.empty();
        }
    }
}
