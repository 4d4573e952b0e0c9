package io.sluice.mta.route;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds where a domain's mail goes (RFC 5321 section 5.1): its MX records by preference, random
 * among equal preferences; the implicit MX (the domain's own A/AAAA) when it has none; no route for
 * a null MX (RFC 7505) or a domain that does not exist.
 *
 * <p>dnsjava's {@link Cache} keeps answers for their TTL and caches negative answers (RFC 2308), so
 * a hot domain costs no query per message. Thread-safe.
 */
public final class MxResolver {

    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);

    public MxResolver(Resolver resolver) {
        this.resolver = resolver;
    }

    /** A resolver that asks the DNS server at {@code server} (UDP, falling back to TCP). */
    public static MxResolver using(InetSocketAddress server, Duration timeout) {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
        return new MxResolver(resolver);
    }

    public Route resolve(String domain) {
        Name name;
        try {
            name = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            return new Route.Undeliverable(domain, true, "5.1.2", "not a domain name: " + domain);
        }
        Lookup mx = lookup(name, Type.MX);
        Record[] records = mx.run();
        switch (mx.getResult()) {
            case Lookup.SUCCESSFUL:
                return fromMx(domain, records);
            case Lookup.TYPE_NOT_FOUND:
                return implicitMx(domain, name);
            case Lookup.HOST_NOT_FOUND:
                return new Route.Undeliverable(
                        domain, true, "5.1.2", "host unknown: " + domain + " does not exist");
            default:
                return new Route.Undeliverable(
                        domain,
                        false,
                        "4.4.3",
                        "DNS lookup of " + domain + " MX failed: " + mx.getErrorString());
        }
    }

    private Route fromMx(String domain, Record[] records) {
        List<MXRecord> mxs = new ArrayList<>();
        for (Record r : records) {
            if (r instanceof MXRecord m) {
                mxs.add(m);
            }
        }
        if (mxs.size() == 1 && mxs.get(0).getTarget().equals(Name.root)) {
            return new Route.Undeliverable(
                    domain, true, "5.1.10", "domain accepts no mail: " + domain + " has a null MX");
        }
        Map<Integer, List<MXRecord>> byPreference =
                mxs.stream().collect(Collectors.groupingBy(MXRecord::getPriority));
        List<MxHost> hosts = new ArrayList<>();
        String lastFailure = "no address for any MX host";
        for (int preference : byPreference.keySet().stream().sorted().toList()) {
            List<MXRecord> equal = new ArrayList<>(byPreference.get(preference));
            Collections.shuffle(equal, ThreadLocalRandom.current());
            for (MXRecord m : equal) {
                List<InetAddress> addresses = addresses(m.getTarget());
                if (addresses.isEmpty()) {
                    lastFailure = "MX host " + m.getTarget() + " has no address";
                    continue;
                }
                hosts.add(new MxHost(hostName(m.getTarget()), preference, addresses));
            }
        }
        if (hosts.isEmpty()) {
            return new Route.Undeliverable(domain, false, "4.4.3", lastFailure);
        }
        hosts.sort(Comparator.comparingInt(MxHost::preference));
        return new Route.Deliverable(domain, hosts);
    }

    /** RFC 5321 5.1: with no MX records, the domain itself is the implicit MX of preference 0. */
    private Route implicitMx(String domain, Name name) {
        List<InetAddress> addresses = addresses(name);
        if (addresses.isEmpty()) {
            return new Route.Undeliverable(
                    domain, true, "5.1.2", "host unknown: " + domain + " has no MX and no address");
        }
        return new Route.Deliverable(domain, List.of(new MxHost(hostName(name), 0, addresses)));
    }

    private List<InetAddress> addresses(Name host) {
        List<InetAddress> addresses = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup lookup = lookup(host, type);
            Record[] records = lookup.run();
            if (records == null) {
                continue;
            }
            for (Record r : records) {
                if (r instanceof ARecord a) {
                    addresses.add(a.getAddress());
                } else if (r instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress());
                }
            }
        }
        return addresses;
    }

    private Lookup lookup(Name name, int type) {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setSearchPath((Name[]) null);
        return lookup;
    }

    private static String hostName(Name name) {
        String s = name.toString(true);
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
