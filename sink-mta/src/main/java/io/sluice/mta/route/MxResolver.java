package io.sluice.mta.route;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Two caches: dnsjava's {@link Cache} keeps record sets for their TTL, negative answers included
 * (RFC 2308), and a route cache above it keeps the finished {@link Route} per domain for the
 * shortest TTL that went into it. The route cache is hand-written because resolving even from
 * dnsjava's cache takes several lookups (MX, then A and AAAA per host) per message, measured at 3-5
 * ms per domain under load; a hit here is one map read. Temporary failures are not cached.
 * Thread-safe.
 */
public final class MxResolver {

    /** How long a route without a better TTL (negative answers) is kept. */
    private static final Duration NEGATIVE_TTL = Duration.ofMinutes(5);

    private final Resolver resolver;
    private final Clock clock;
    private final Cache cache = new Cache(DClass.IN);
    private final Map<String, Cached> routes = new ConcurrentHashMap<>();

    private record Cached(Route route, Instant expires) {}

    public MxResolver(Resolver resolver) {
        this(resolver, Clock.systemUTC());
    }

    public MxResolver(Resolver resolver, Clock clock) {
        this.resolver = resolver;
        this.clock = clock;
    }

    /** A resolver that asks the DNS server at {@code server} (UDP, falling back to TCP). */
    public static MxResolver using(InetSocketAddress server, Duration timeout) {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
        return new MxResolver(resolver);
    }

    /**
     * The route of {@code domain} if a fresh answer is cached, without asking DNS: lets a caller on
     * a thread that must not wait answer at once and go to DNS elsewhere only on a miss.
     */
    public java.util.Optional<Route> cached(String domain) {
        Cached cached = routes.get(domain.toLowerCase(Locale.ROOT));
        return cached != null && cached.expires().isAfter(clock.instant())
                ? java.util.Optional.of(cached.route())
                : java.util.Optional.empty();
    }

    /**
     * The route of {@code domain} if the route cache holds it unexpired, without asking DNS: the
     * non-blocking SMTP client takes it on the spot and sends only misses to a resolving thread.
     */
    public java.util.Optional<Route> cachedRoute(String domain) {
        return cached(domain).map(MxResolver::reshuffled);
    }

    public Route resolve(String domain) {
        String key = domain.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Cached cached = routes.get(key);
        if (cached != null && cached.expires().isAfter(now)) {
            return reshuffled(cached.route());
        }
        Resolved resolved = lookup(key);
        boolean temporary = resolved.route() instanceof Route.Undeliverable u && !u.permanent();
        if (!temporary && !resolved.ttl().isZero()) {
            routes.put(key, new Cached(resolved.route(), now.plus(resolved.ttl())));
        }
        return resolved.route();
    }

    /** Equal preferences are tried in a fresh random order each time (RFC 5321 5.1). */
    private static Route reshuffled(Route route) {
        if (!(route instanceof Route.Deliverable d) || d.hosts().size() < 2) {
            return route;
        }
        List<MxHost> hosts = new ArrayList<>(d.hosts());
        int start = 0;
        for (int i = 1; i <= hosts.size(); i++) {
            if (i == hosts.size() || hosts.get(i).preference() != hosts.get(start).preference()) {
                Collections.shuffle(hosts.subList(start, i), ThreadLocalRandom.current());
                start = i;
            }
        }
        return new Route.Deliverable(d.domain(), hosts);
    }

    /** A route and how long it may be kept. */
    private record Resolved(Route route, Duration ttl) {}

    private Resolved lookup(String domain) {
        Name name;
        try {
            name = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            return negative(
                    new Route.Undeliverable(domain, true, "5.1.2", "not a domain name: " + domain));
        }
        Lookup mx = lookup(name, Type.MX);
        Record[] records = mx.run();
        switch (mx.getResult()) {
            case Lookup.SUCCESSFUL:
                return fromMx(domain, records);
            case Lookup.TYPE_NOT_FOUND:
                return implicitMx(domain, name);
            case Lookup.HOST_NOT_FOUND:
                return negative(
                        new Route.Undeliverable(
                                domain,
                                true,
                                "5.1.2",
                                "host unknown: " + domain + " does not exist"));
            default:
                return negative(
                        new Route.Undeliverable(
                                domain,
                                false,
                                "4.4.3",
                                "DNS lookup of " + domain + " MX failed: " + mx.getErrorString()));
        }
    }

    private static Resolved negative(Route route) {
        return new Resolved(route, NEGATIVE_TTL);
    }

    private Resolved fromMx(String domain, Record[] records) {
        List<MXRecord> mxs = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (Record r : records) {
            if (r instanceof MXRecord m) {
                mxs.add(m);
                ttl = Math.min(ttl, m.getTTL());
            }
        }
        if (mxs.size() == 1 && mxs.get(0).getTarget().equals(Name.root)) {
            return new Resolved(
                    new Route.Undeliverable(
                            domain,
                            true,
                            "5.1.10",
                            "domain accepts no mail: " + domain + " has a null MX"),
                    Duration.ofSeconds(ttl));
        }
        Map<Integer, List<MXRecord>> byPreference =
                mxs.stream().collect(Collectors.groupingBy(MXRecord::getPriority));
        List<MxHost> hosts = new ArrayList<>();
        String lastFailure = "no address for any MX host";
        for (int preference : byPreference.keySet().stream().sorted().toList()) {
            for (MXRecord m : byPreference.get(preference)) {
                Addresses a = addresses(m.getTarget());
                if (a.list().isEmpty()) {
                    lastFailure = "MX host " + m.getTarget() + " has no address";
                    continue;
                }
                ttl = Math.min(ttl, a.ttl());
                hosts.add(new MxHost(hostName(m.getTarget()), preference, a.list()));
            }
        }
        if (hosts.isEmpty()) {
            return negative(new Route.Undeliverable(domain, false, "4.4.3", lastFailure));
        }
        return new Resolved(
                reshuffled(new Route.Deliverable(domain, hosts)), Duration.ofSeconds(ttl));
    }

    /** RFC 5321 5.1: with no MX records, the domain itself is the implicit MX of preference 0. */
    private Resolved implicitMx(String domain, Name name) {
        Addresses a = addresses(name);
        if (a.list().isEmpty()) {
            return negative(
                    new Route.Undeliverable(
                            domain,
                            true,
                            "5.1.2",
                            "host unknown: " + domain + " has no MX and no address"));
        }
        return new Resolved(
                new Route.Deliverable(domain, List.of(new MxHost(hostName(name), 0, a.list()))),
                Duration.ofSeconds(a.ttl()));
    }

    private record Addresses(List<InetAddress> list, long ttl) {}

    private Addresses addresses(Name host) {
        List<InetAddress> addresses = new ArrayList<>();
        long ttl = NEGATIVE_TTL.toSeconds();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup lookup = lookup(host, type);
            Record[] records = lookup.run();
            if (records == null) {
                continue;
            }
            for (Record r : records) {
                ttl = Math.min(ttl, r.getTTL());
                if (r instanceof ARecord a) {
                    addresses.add(a.getAddress());
                } else if (r instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress());
                }
            }
        }
        return new Addresses(addresses, ttl);
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
