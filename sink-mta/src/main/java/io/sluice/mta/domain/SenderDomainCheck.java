package io.sluice.mta.domain;

import io.sluice.mta.dkim.DkimKey;
import io.sluice.mta.dkim.DkimPublicKeyRecord;
import io.sluice.mta.dkim.DnsTxtLookup;
import io.sluice.mta.dmarc.Alignment;
import io.sluice.mta.dmarc.DmarcChecker;
import io.sluice.mta.dmarc.DmarcRecord;
import io.sluice.mta.smtp.SendingIp;
import io.sluice.mta.spf.SpfChecker;
import io.sluice.mta.spf.SpfResult;
import io.sluice.mta.spf.SpfSettings;
import io.sluice.mta.spf.SpfVerdict;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * "May this tenant send as this domain?", answered from DNS as the receivers will judge its mail:
 *
 * <ol>
 *   <li>{@code dkim}: every key configured for the domain is the one published at its selector;
 *   <li>{@code spf}: the SPF policy of the return-path domain passes every IP the tenant's mail may
 *       leave from (with its EHLO name);
 *   <li>{@code dmarc}: a DMARC record is found for the domain (its own or its organizational
 *       domain's), and the domain aligns with the DKIM {@code d=} and with the return-path domain
 *       under that record's modes;
 *   <li>{@code fcrdns}: every one of those IPs has a PTR name that is its EHLO name and resolves
 *       back to it.
 * </ol>
 *
 * Each check names what to publish to fix it. A DNS time-out or SERVFAIL is a {@code TEMPERROR}:
 * not a pass, not a proof of failure. Blocking: run it off the hot path and cache the report.
 */
public final class SenderDomainCheck {

    private final Resolver resolver;
    private final DnsTxtLookup txt;
    private final SpfChecker spf;
    private final DmarcChecker dmarc;

    public SenderDomainCheck(Resolver resolver, Clock clock) {
        this.resolver = resolver;
        this.txt = new DnsTxtLookup(resolver);
        this.spf = new SpfChecker(resolver, SpfSettings.defaults(), clock);
        // Discovery only: the sampling generator (pct=) is never drawn from here.
        this.dmarc = new DmarcChecker(txt::txt, new SplittableRandom(0));
    }

    /**
     * @param tenant who claims the domain (for the report)
     * @param domain the From domain
     * @param keys the DKIM keys that sign its mail
     * @param ips every IP the tenant's mail may leave from
     * @param returnPathDomain the domain of its MAIL FROM
     */
    public SenderDomainReport check(
            String tenant,
            String domain,
            List<DkimKey> keys,
            List<SendingIp> ips,
            String returnPathDomain) {
        String d = domain.toLowerCase(Locale.ROOT);
        String rp = returnPathDomain.toLowerCase(Locale.ROOT);
        List<DomainCheck> checks = new ArrayList<>();
        checkDkim(d, keys, checks);
        for (SendingIp ip : ips) {
            checks.add(checkSpf(rp, ip));
        }
        checkDmarc(d, keys, rp, checks);
        for (SendingIp ip : ips) {
            checks.add(checkReverseDns(ip));
        }
        return new SenderDomainReport(d, tenant, checks);
    }

    private void checkDkim(String domain, List<DkimKey> keys, List<DomainCheck> checks) {
        if (keys.isEmpty()) {
            checks.add(
                    DomainCheck.fail(
                            "dkim " + domain,
                            "no DKIM key is configured for " + domain,
                            "make a key and configure it (sluice.dkim.keys "
                                    + domain
                                    + "/SELECTOR/key.pem), then publish its record"));
            return;
        }
        for (DkimKey key : keys) {
            String name = key.selector() + "._domainkey." + key.domain();
            String fix = "publish TXT " + name + " \"" + key.publicKeyRecord() + "\"";
            List<String> records;
            try {
                records = txt.txt(name);
            } catch (IOException e) {
                checks.add(DomainCheck.temporary("dkim " + name, e.getMessage()));
                continue;
            }
            if (records.isEmpty()) {
                checks.add(DomainCheck.fail("dkim " + name, "no TXT record", fix));
                continue;
            }
            String found = "a record with another key";
            boolean matches = false;
            for (String record : records) {
                try {
                    DkimPublicKeyRecord parsed = DkimPublicKeyRecord.parse(record);
                    if (key.publishedBy(parsed)) {
                        matches = true;
                    } else if (parsed.revoked()) {
                        found = "the key is revoked (empty p=)";
                    }
                } catch (IllegalArgumentException e) {
                    found = "an unreadable record (" + e.getMessage() + ")";
                }
            }
            checks.add(
                    matches
                            ? DomainCheck.pass(
                                    "dkim " + name,
                                    key.algorithm().tag()
                                            + " key "
                                            + shortPrint(key)
                                            + " published")
                            : DomainCheck.fail(
                                    "dkim " + name,
                                    "found " + found + ", not key " + shortPrint(key),
                                    fix));
        }
    }

    private DomainCheck checkSpf(String returnPathDomain, SendingIp ip) {
        String name = "spf " + returnPathDomain + " " + ip.id();
        SpfVerdict v = spf.check(ip.address(), "postmaster@" + returnPathDomain, ip.ehloName());
        if (v.result() == SpfResult.PASS) {
            return DomainCheck.pass(name, "pass (" + v.reason() + ")");
        }
        if (v.result() == SpfResult.TEMPERROR) {
            return DomainCheck.temporary(name, v.reason());
        }
        String mechanism = ip.address() instanceof java.net.Inet6Address ? "ip6:" : "ip4:";
        return DomainCheck.fail(
                name,
                v.result().label() + " (" + v.reason() + ")",
                v.result() == SpfResult.NONE
                        ? "publish TXT "
                                + returnPathDomain
                                + " \"v=spf1 "
                                + mechanism
                                + ip.id()
                                + " -all\""
                        : "add "
                                + mechanism
                                + ip.id()
                                + " to the SPF record of "
                                + returnPathDomain);
    }

    private void checkDmarc(
            String domain, List<DkimKey> keys, String returnPathDomain, List<DomainCheck> checks) {
        Optional<DmarcChecker.Discovery> found;
        try {
            found = dmarc.discover(domain);
        } catch (IOException e) {
            checks.add(DomainCheck.temporary("dmarc _dmarc." + domain, e.getMessage()));
            return;
        }
        if (found.isEmpty()) {
            checks.add(
                    DomainCheck.fail(
                            "dmarc _dmarc." + domain,
                            "no DMARC record for " + domain + " or its organizational domain",
                            "publish TXT _dmarc."
                                    + domain
                                    + " \"v=DMARC1; p=none; rua=mailto:dmarc-reports@"
                                    + domain
                                    + "\" (then quarantine or reject once reports are clean)"));
            return;
        }
        DmarcRecord record = found.get().record();
        checks.add(
                DomainCheck.pass(
                        "dmarc _dmarc." + found.get().domain(),
                        "p="
                                + found.get().applicable().name().toLowerCase(Locale.ROOT)
                                + " applies to "
                                + domain));
        for (DkimKey key : keys) {
            checks.add(
                    aligned(
                            "dkim",
                            record.dkimAlignment(),
                            key.domain(),
                            domain,
                            "sign with a key of " + domain + " (d=" + domain + ")"));
        }
        checks.add(
                aligned(
                        "spf",
                        record.spfAlignment(),
                        returnPathDomain,
                        domain,
                        "use a return path under "
                                + domain
                                + " (sluice.verp.bounce-domain bounces.{from-domain})"));
    }

    private static DomainCheck aligned(
            String identifier, Alignment mode, String identity, String domain, String fix) {
        String name = "dmarc " + identifier + "-alignment " + identity;
        String how = mode.name().toLowerCase(Locale.ROOT);
        return mode.aligns(identity, domain)
                ? DomainCheck.pass(name, identity + " aligns with " + domain + " (" + how + ")")
                : DomainCheck.fail(
                        name, identity + " does not align with " + domain + " (" + how + ")", fix);
    }

    private DomainCheck checkReverseDns(SendingIp ip) {
        String name = "fcrdns " + ip.id();
        String ehlo = ip.ehloName().toLowerCase(Locale.ROOT);
        String fix = "have the owner of " + ip.id() + " publish PTR " + ehlo + ".";
        try {
            List<String> ptr = names(ReverseMap.fromAddress(ip.address()), Type.PTR);
            if (ptr.isEmpty()) {
                return DomainCheck.fail(name, "no PTR record", fix);
            }
            if (!ptr.contains(ehlo)) {
                return DomainCheck.fail(
                        name,
                        "PTR is " + String.join(", ", ptr) + ", the EHLO name is " + ehlo,
                        fix);
            }
            int type = ip.address() instanceof java.net.Inet6Address ? Type.AAAA : Type.A;
            List<String> forward = names(Name.fromString(ehlo + "."), type);
            if (!forward.contains(ip.address().getHostAddress())) {
                return DomainCheck.fail(
                        name,
                        ehlo + " resolves to " + (forward.isEmpty() ? "nothing" : forward),
                        "publish " + Type.string(type) + " " + ehlo + " " + ip.id());
            }
            return DomainCheck.pass(name, ip.id() + " <-> " + ehlo);
        } catch (TextParseException e) {
            return DomainCheck.fail(name, "EHLO name " + ehlo + " is not a domain name", fix);
        } catch (IOException e) {
            return DomainCheck.temporary(name, e.getMessage());
        }
    }

    /** The PTR targets, or the addresses, at {@code name}; empty for NXDOMAIN or no data. */
    private List<String> names(Name name, int type) throws IOException {
        Message response = resolver.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return List.of();
        }
        if (rcode != Rcode.NOERROR) {
            throw new IOException(
                    "DNS " + Rcode.string(rcode) + " for " + name + " " + Type.string(type));
        }
        List<String> out = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof PTRRecord p) {
                String target = p.getTarget().toString(true).toLowerCase(Locale.ROOT);
                out.add(target);
            } else if (r instanceof ARecord a) {
                out.add(a.getAddress().getHostAddress());
            } else if (r instanceof AAAARecord a) {
                out.add(a.getAddress().getHostAddress());
            }
        }
        return out;
    }

    private static String shortPrint(DkimKey key) {
        return key.fingerprint().substring(0, 16);
    }
}
