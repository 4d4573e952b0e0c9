package io.sluice.sim.auth;

import com.google.common.net.InternetDomainName;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Result;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.apache.james.jspf.impl.SPF;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A simulated provider's authentication check at the door, with libraries independent of Sluice's
 * signer and verifier: Apache James jDKIM for DKIM (RSA only: jDKIM 0.5 knows no Ed25519, so an
 * Ed25519 signature neither passes nor fails a message that also carries an RSA one), Apache James
 * jSPF for SPF, and DMARC alignment (RFC 7489 section 3.1, relaxed) computed here from those two
 * results with Guava's public-suffix list for organizational domains. All DNS goes to the simulated
 * Internet's server.
 */
public final class DoorCheck {

    private static final Pattern FROM =
            Pattern.compile("(?im)^from:(?:[^\\r\\n]|\\r?\\n[ \\t])*?@([A-Za-z0-9.-]+)");

    private static final Duration TTL = Duration.ofSeconds(300);

    private static final Pattern DKIM_FIELD = Pattern.compile("(?im)^dkim-signature:");

    private final SimpleResolver resolver;
    private final SPF spf;
    private final Clock clock;
    private final Map<String, Cached<List<String>>> txtCache = new ConcurrentHashMap<>();
    private final Map<String, Cached<String>> spfCache = new ConcurrentHashMap<>();

    public DoorCheck(InetSocketAddress dns, Clock clock) {
        this.resolver = new SimpleResolver(dns);
        resolver.setTimeout(Duration.ofSeconds(2));
        this.spf = new SPF(new DNSServiceXBillImpl(resolver));
        this.clock = clock;
    }

    private record Cached<T>(T value, Instant expires) {}

    public AuthVerdict check(String clientIp, String helo, String mailFrom, byte[] message) {
        String spfDomain =
                mailFrom.isEmpty() ? helo : mailFrom.substring(mailFrom.lastIndexOf('@') + 1);
        String fromDomain = fromDomain(message).orElse("");
        List<String> signatures = dkim(message);
        List<String> dkim =
                signatures.stream().map(x -> x.substring(0, x.indexOf('/'))).distinct().toList();
        String spfResult =
                spf(clientIp, mailFrom.isEmpty() ? "postmaster@" + helo : mailFrom, helo);
        String dmarc;
        if (fromDomain.isEmpty() || dmarcRecord(fromDomain).isEmpty()) {
            dmarc = "none";
        } else {
            String org = organizational(fromDomain);
            boolean aligned =
                    dkim.stream().anyMatch(d -> organizational(d).equals(org))
                            || (spfResult.equals("pass") && organizational(spfDomain).equals(org));
            dmarc = aligned ? "pass" : "fail";
        }
        return new AuthVerdict(
                dkim,
                spfResult,
                spfDomain.toLowerCase(Locale.ROOT),
                fromDomain,
                dmarc,
                signatures.stream().map(x -> x.substring(x.indexOf('/') + 1)).toList());
    }

    private List<String> dkim(byte[] message) {
        // jDKIM parses the whole message even when there is nothing to verify; skip it then.
        if (!DKIM_FIELD.matcher(headers(message)).find()) {
            return List.of();
        }
        DKIMVerifier verifier =
                new DKIMVerifier(
                        (method, selector, domain) -> txt(selector + "._domainkey." + domain));
        try {
            verifier.verify(new ByteArrayInputStream(message));
        } catch (FailException | java.io.IOException e) {
            // No valid signature, or none at all; the per-signature results say which.
        }
        List<String> passed = new ArrayList<>();
        for (Result r : verifier.getResults()) {
            if (r.isSuccess() && r.getRecord() != null) {
                passed.add(
                        r.getRecord().getDToken().toString().toLowerCase(Locale.ROOT)
                                + "/"
                                + r.getRecord().getSelector());
            }
        }
        return passed;
    }

    private String spf(String ip, String mailFrom, String helo) {
        // The result depends on the IP, the MAIL FROM domain and the HELO name only.
        String key = ip + "|" + mailFrom.substring(mailFrom.lastIndexOf('@') + 1) + "|" + helo;
        Instant now = clock.instant();
        Cached<String> c = spfCache.get(key);
        if (c == null || !now.isBefore(c.expires())) {
            SPFResult r = spf.checkSPF(ip, mailFrom, helo);
            c = new Cached<>(r.getResult(), now.plus(TTL));
            spfCache.put(key, c);
        }
        return c.value();
    }

    private Optional<String> dmarcRecord(String fromDomain) {
        for (String name : List.of(fromDomain, organizational(fromDomain))) {
            try {
                for (String t : txt("_dmarc." + name)) {
                    if (t.startsWith("v=DMARC1")) {
                        return Optional.of(t);
                    }
                }
            } catch (TempFailException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private List<String> txt(String name) throws TempFailException {
        Instant now = clock.instant();
        Cached<List<String>> c = txtCache.get(name);
        if (c == null || !now.isBefore(c.expires())) {
            c = new Cached<>(lookupTxt(name), now.plus(TTL));
            txtCache.put(name, c);
        }
        return c.value();
    }

    private List<String> lookupTxt(String name) throws TempFailException {
        try {
            Lookup lookup = new Lookup(Name.fromString(name, Name.root), Type.TXT);
            lookup.setResolver(resolver);
            lookup.setCache(null);
            Record[] records = lookup.run();
            if (lookup.getResult() == Lookup.TRY_AGAIN) {
                throw new TempFailException("DNS timeout for " + name);
            }
            List<String> out = new ArrayList<>();
            if (records != null) {
                for (Record r : records) {
                    out.add(String.join("", ((TXTRecord) r).getStrings()));
                }
            }
            return out;
        } catch (TextParseException e) {
            return List.of();
        }
    }

    /**
     * The organizational domain (RFC 7489 section 3.2): the public suffix plus one label. Names
     * under a suffix the list does not know (the simulator's {@code .example}) count their last two
     * labels, as if the TLD were the suffix.
     */
    private static String headers(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end + 2);
    }

    static String organizational(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        try {
            InternetDomainName name = InternetDomainName.from(d);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
        } catch (IllegalArgumentException e) {
            // fall through to the last two labels
        }
        String[] labels = d.split("\\.");
        return labels.length <= 2 ? d : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    static Optional<String> fromDomain(byte[] message) {
        Matcher m = FROM.matcher(headers(message));
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
