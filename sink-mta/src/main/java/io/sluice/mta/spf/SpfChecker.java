package io.sluice.mta.spf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * RFC 7208 check_host(): may this IP send mail for the MAIL FROM (or HELO) domain? Every mechanism
 * and modifier, macros, include and redirect, and the DNS lookup and void-lookup limits (4.6.4).
 * Thread-safe: each check keeps its own counters.
 */
public final class SpfChecker {

    private final SpfDns dns;
    private final SpfSettings settings;
    private final Clock clock;

    public SpfChecker(Resolver resolver, SpfSettings settings, Clock clock) {
        this.dns = new SpfDns(resolver);
        this.settings = settings;
        this.clock = clock;
    }

    /** A checker asking the DNS server at {@code resolverAddress}. */
    public SpfChecker(InetSocketAddress resolverAddress, SpfSettings settings, Clock clock) {
        this(new SimpleResolver(resolverAddress), settings, clock);
    }

    /**
     * Checks the MAIL FROM identity, or the HELO identity when MAIL FROM is empty (the null
     * reverse-path of a bounce, 2.4): the sender becomes postmaster@helo.
     */
    public SpfVerdict check(InetAddress ip, String mailFrom, String helo) {
        String sender;
        if (mailFrom == null || mailFrom.isEmpty()) {
            sender = "postmaster@" + helo;
        } else if (mailFrom.indexOf('@') < 0) {
            sender = "postmaster@" + mailFrom;
        } else if (mailFrom.startsWith("@")) {
            sender = "postmaster" + mailFrom;
        } else {
            sender = mailFrom;
        }
        String domain = sender.substring(sender.lastIndexOf('@') + 1);
        return checkHost(ip, domain, sender, helo);
    }

    /** check_host(ip, domain, sender) itself (4.1), with {@code helo} for the %{h} macro. */
    public SpfVerdict checkHost(InetAddress ip, String domain, String sender, String helo) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (!isValidDomain(d)) {
            return SpfVerdict.of(SpfResult.NONE, d, "not a multi-label domain name (4.3)");
        }
        Evaluation e = new Evaluation(ip, sender, helo);
        try {
            return e.evaluate(d);
        } catch (SpfException ex) {
            return SpfVerdict.of(ex.result(), d, ex.getMessage());
        }
    }

    /** 4.3: every label 1..63 octets, at least two labels, at most 253 octets. */
    static boolean isValidDomain(String d) {
        if (d.isEmpty() || d.length() > 253 || d.startsWith("[")) {
            return false;
        }
        String[] labels = d.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return true;
    }

    /** One check: the counters of 4.6.4 span the whole tree of include and redirect. */
    private final class Evaluation {
        private final InetAddress ip;
        private final String sender;
        private final String helo;
        private int lookups;
        private int voids;

        Evaluation(InetAddress ip, String sender, String helo) {
            this.ip = ip;
            this.sender = sender;
            this.helo = helo;
        }

        SpfVerdict evaluate(String domain) throws SpfException {
            Optional<String> text = fetchRecord(domain);
            if (text.isEmpty()) {
                return SpfVerdict.of(SpfResult.NONE, domain, "no SPF record at " + domain);
            }
            SpfRecord record = SpfRecord.parse(text.get());
            for (SpfDirective directive : record.directives()) {
                if (matches(directive, domain)) {
                    SpfResult result = SpfResult.ofQualifier(directive.qualifier());
                    Optional<String> explanation =
                            result == SpfResult.FAIL && record.explanation() != null
                                    ? explain(record.explanation(), domain)
                                    : Optional.empty();
                    return new SpfVerdict(
                            result,
                            domain,
                            explanation,
                            "matched "
                                    + directive.mechanism().name().toLowerCase(Locale.ROOT)
                                    + " in the record of "
                                    + domain);
                }
            }
            if (record.redirect() != null) {
                countLookup();
                String target = expandDomain(record.redirect(), domain);
                if (!isValidDomain(target)) {
                    throw SpfException.perm("redirect to malformed domain " + target);
                }
                SpfVerdict redirected = evaluate(target);
                if (redirected.result() == SpfResult.NONE) {
                    throw SpfException.perm("redirect=" + target + " has no SPF record (6.1)");
                }
                return redirected;
            }
            return SpfVerdict.of(SpfResult.NEUTRAL, domain, "no mechanism matched (4.7)");
        }

        /** 4.4 and 4.5: exactly one TXT record starting "v=spf1", or none. */
        private Optional<String> fetchRecord(String domain) throws SpfException {
            List<String> spf = new ArrayList<>();
            for (Record r : dns.query(domain, Type.TXT)) {
                String text = joined((TXTRecord) r);
                if (SpfRecord.isSpf(text)) {
                    spf.add(text);
                }
            }
            if (spf.size() > 1) {
                throw SpfException.perm(spf.size() + " SPF records at " + domain + " (4.5)");
            }
            return spf.stream().findFirst();
        }

        private boolean matches(SpfDirective d, String domain) throws SpfException {
            return switch (d.mechanism()) {
                case ALL -> true;
                case INCLUDE -> include(d, domain);
                case A -> {
                    countLookup();
                    String target = target(d, domain);
                    yield anyInNetwork(addresses(target, true), d);
                }
                case MX -> mx(d, domain);
                case PTR -> {
                    countLookup();
                    yield ptr(target(d, domain));
                }
                case IP4, IP6 -> inNetwork(d.network(), d);
                case EXISTS -> {
                    countLookup();
                    String target = expandDomain(d.domainSpec(), domain);
                    // exists always asks for A records, whatever the client's family (5.7).
                    List<Record> a = dns.query(target, Type.A);
                    if (a.isEmpty()) {
                        countVoid();
                    }
                    yield !a.isEmpty();
                }
            };
        }

        /** 5.2: pass matches; fail, softfail, neutral don't; none and errors are errors. */
        private boolean include(SpfDirective d, String domain) throws SpfException {
            countLookup();
            String target = expandDomain(d.domainSpec(), domain);
            if (!isValidDomain(target)) {
                throw SpfException.perm("include of malformed domain " + target);
            }
            SpfVerdict inner = evaluate(target);
            return switch (inner.result()) {
                case PASS -> true;
                case FAIL, SOFTFAIL, NEUTRAL -> false;
                case TEMPERROR -> throw SpfException.temp(inner.reason());
                case NONE -> throw SpfException.perm("include:" + target + " has no SPF record");
                case PERMERROR -> throw SpfException.perm(inner.reason());
            };
        }

        /** 5.4: at most 10 MX hosts, each looked up for the client's address family. */
        private boolean mx(SpfDirective d, String domain) throws SpfException {
            countLookup();
            String target = target(d, domain);
            List<Record> mx = dns.query(target, Type.MX);
            if (mx.isEmpty()) {
                countVoid();
                return false;
            }
            if (mx.size() > 10) {
                throw SpfException.perm(
                        target + " has " + mx.size() + " MX records (4.6.4: 10 at most)");
            }
            for (Record r : mx) {
                String host = ((MXRecord) r).getTarget().toString(true);
                if (anyInNetwork(addresses(host, false), d)) {
                    return true;
                }
            }
            return false;
        }

        /** 5.5: a validated reverse name equal to or below the target. */
        private boolean ptr(String target) throws SpfException {
            for (String name : validatedNames()) {
                if (name.equalsIgnoreCase(target)
                        || name.toLowerCase(Locale.ROOT)
                                .endsWith("." + target.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Reverse names of the client whose forward lookup gives the client back (5.5): a failing
         * PTR query just means no names, and only the first 10 names are tried.
         */
        private List<String> validatedNames() throws SpfException {
            List<Record> ptr;
            try {
                ptr = dns.query(ReverseMap.fromAddress(ip).toString(), Type.PTR);
            } catch (SpfException e) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (Record r : ptr.subList(0, Math.min(10, ptr.size()))) {
                String name = ((PTRRecord) r).getTarget().toString(true);
                try {
                    for (InetAddress a : addresses(name, false)) {
                        if (a.equals(ip)) {
                            names.add(name);
                            break;
                        }
                    }
                } catch (SpfException e) {
                    // 5.5: a DNS error on one name skips that name.
                }
            }
            return names;
        }

        /** A or AAAA records of {@code host}, whichever family the client has. */
        private List<InetAddress> addresses(String host, boolean countVoid) throws SpfException {
            boolean v6 = ip instanceof Inet6Address;
            List<Record> records = dns.query(host, v6 ? Type.AAAA : Type.A);
            if (records.isEmpty() && countVoid) {
                countVoid();
            }
            List<InetAddress> out = new ArrayList<>(records.size());
            for (Record r : records) {
                out.add(v6 ? ((AAAARecord) r).getAddress() : ((ARecord) r).getAddress());
            }
            return out;
        }

        private boolean anyInNetwork(List<InetAddress> addresses, SpfDirective d) {
            for (InetAddress a : addresses) {
                if (inNetwork(a, d)) {
                    return true;
                }
            }
            return false;
        }

        /** Does the client fall in {@code network}/prefix? Families never cross (5.6). */
        private boolean inNetwork(InetAddress network, SpfDirective d) {
            byte[] n = network.getAddress();
            byte[] c = ip.getAddress();
            if (n.length != c.length) {
                return false;
            }
            int prefix = n.length == 4 ? d.ip4Prefix() : d.ip6Prefix();
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((n[bit / 8] & mask) != (c[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private String target(SpfDirective d, String domain) throws SpfException {
            return d.domainSpec() == null ? domain : expandDomain(d.domainSpec(), domain);
        }

        /** Expands a domain-spec; over 253 octets, left labels go until it fits (7.3). */
        private String expandDomain(String spec, String domain) throws SpfException {
            String expanded = SpfMacro.expand(spec, values(domain), false);
            if (expanded.endsWith(".")) {
                expanded = expanded.substring(0, expanded.length() - 1);
            }
            while (expanded.length() > 253 && expanded.indexOf('.') >= 0) {
                expanded = expanded.substring(expanded.indexOf('.') + 1);
            }
            return expanded;
        }

        /** 6.2: the explanation TXT, macro-expanded; any problem means no explanation. */
        private Optional<String> explain(String spec, String domain) {
            try {
                String target = expandDomain(spec, domain);
                if (!isValidDomain(target)) {
                    return Optional.empty();
                }
                List<Record> txt = dns.query(target, Type.TXT);
                if (txt.size() != 1) {
                    return Optional.empty();
                }
                return Optional.of(
                        SpfMacro.expand(joined((TXTRecord) txt.get(0)), values(domain), true));
            } catch (SpfException e) {
                return Optional.empty();
            }
        }

        private void countLookup() throws SpfException {
            if (++lookups > settings.lookupLimit()) {
                throw SpfException.perm(
                        "more than " + settings.lookupLimit() + " DNS-querying terms (4.6.4)");
            }
        }

        private void countVoid() throws SpfException {
            if (++voids > settings.voidLookupLimit()) {
                throw SpfException.perm(
                        "more than " + settings.voidLookupLimit() + " void lookups (4.6.4)");
            }
        }

        private SpfMacro.Values values(String domain) {
            return new SpfMacro.Values() {
                @Override
                public String sender() {
                    return sender;
                }

                @Override
                public String domain() {
                    return domain;
                }

                @Override
                public String ip() {
                    if (ip instanceof Inet4Address) {
                        return ip.getHostAddress();
                    }
                    StringBuilder nibbles = new StringBuilder(63);
                    for (byte b : ip.getAddress()) {
                        if (nibbles.length() > 0) {
                            nibbles.append('.');
                        }
                        nibbles.append(Character.forDigit((b >> 4) & 0xf, 16))
                                .append('.')
                                .append(Character.forDigit(b & 0xf, 16));
                    }
                    return nibbles.toString();
                }

                @Override
                public String ipText() {
                    return ip instanceof Inet6Address
                            ? compressed(ip.getAddress())
                            : ip.getHostAddress();
                }

                @Override
                public boolean ipv6() {
                    return ip instanceof Inet6Address;
                }

                @Override
                public String helo() {
                    return helo == null ? "" : helo;
                }

                @Override
                public String validatedName() throws SpfException {
                    List<String> names = validatedNames();
                    for (String n : names) {
                        if (n.equalsIgnoreCase(domain)) {
                            return n;
                        }
                    }
                    for (String n : names) {
                        if (n.toLowerCase(Locale.ROOT)
                                .endsWith("." + domain.toLowerCase(Locale.ROOT))) {
                            return n;
                        }
                    }
                    return names.isEmpty() ? "unknown" : names.get(0);
                }

                @Override
                public String receiver() {
                    return settings.receiver();
                }

                @Override
                public long timestamp() {
                    return clock.instant().getEpochSecond();
                }
            };
        }
    }

    /**
     * An IPv6 address as people write it (RFC 5952 section 4): lower-case hex without leading
     * zeros, the longest run of two or more zero groups as "::". The JDK writes every group.
     */
    static String compressed(byte[] a) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** The character-strings of one TXT record joined without spaces (3.3), byte for byte. */
    private static String joined(TXTRecord txt) {
        StringBuilder s = new StringBuilder();
        for (Object part : txt.getStringsAsByteArrays()) {
            s.append(new String((byte[]) part, StandardCharsets.ISO_8859_1));
        }
        return s.toString();
    }
}
