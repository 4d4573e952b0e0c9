package io.sluice.delivery.intake;

import io.sluice.delivery.send.ReturnPaths;
import io.sluice.delivery.send.SendingPools;
import io.sluice.delivery.shaping.PoolPolicy;
import io.sluice.mta.address.EmailAddress;
import io.sluice.mta.dkim.DkimKey;
import io.sluice.mta.dkim.DkimKeyRing;
import io.sluice.mta.domain.DomainCheck;
import io.sluice.mta.domain.SenderDomainCheck;
import io.sluice.mta.domain.SenderDomainReport;
import io.sluice.mta.smtp.SendingIp;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.xbill.DNS.Resolver;

/**
 * No tenant sends as a domain it does not control. A message's From domain must be claimed by its
 * tenant ({@code sluice.sender-domains}, {@code tenant/domain}) and, unless verification is off,
 * verified from DNS by {@link SenderDomainCheck}: the DKIM keys configured for it are published,
 * SPF passes every IP the tenant may send from, DMARC finds a record and aligns, and every such IP
 * has forward-confirmed reverse DNS. Anything else is rejected with {@code
 * sender-domain-not-verified} and the first check that failed.
 *
 * <p>Each task verifies a (tenant, domain) on its first message and keeps the report for {@code
 * recheck}; after that a background thread checks again while the last report keeps serving, and a
 * re-check that DNS could not answer keeps the last answer (a DNS outage does not stop verified
 * mail). A first check DNS could not answer rejects: nothing unverified leaves.
 */
public final class SenderDomainPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String CODE = "sender-domain-not-verified";

    private final Map<String, Set<String>> claims;
    private final boolean verify;
    private final Duration recheck;
    private final SendingPools sendingIps;
    private final PoolPolicy pools;
    private final List<String> dkimKeys;
    private final ReturnPaths returnPaths;
    private final DnsAccess dns;

    /** How to reach DNS; a function so that tests and the job build their resolver alike. */
    public interface DnsAccess extends Serializable {
        Resolver resolver() throws Exception;
    }

    private transient Map<String, Verdict> verdicts;
    private transient Set<String> refreshing;
    private transient ExecutorService refresher;
    private transient SenderDomainCheck checker;
    private transient DkimKeyRing keyRing;
    private transient Clock clock;

    private record Verdict(SenderDomainReport report, Instant checkedAt) {}

    /**
     * @param claims {@code tenant/domain} entries
     * @param verify false to enforce the claims only (no DNS checks): for test set-ups without DNS
     * @param sendingIps the sending IPs with their EHLO names
     * @param dkimKeys {@code domain/selector/pem-path} entries
     */
    public SenderDomainPolicy(
            List<String> claims,
            boolean verify,
            Duration recheck,
            SendingPools sendingIps,
            PoolPolicy pools,
            List<String> dkimKeys,
            ReturnPaths returnPaths,
            DnsAccess dns) {
        this.claims = parseClaims(claims);
        this.verify = verify;
        this.recheck = recheck;
        this.sendingIps = sendingIps;
        this.pools = pools;
        this.dkimKeys = List.copyOf(dkimKeys);
        this.returnPaths = returnPaths;
        this.dns = dns;
    }

    static Map<String, Set<String>> parseClaims(List<String> entries) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String entry : entries) {
            String[] parts = entry.strip().split("/");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException(
                        "sluice.sender-domains entry '"
                                + entry
                                + "' -- expected tenant/domain, e.g. acme/acme.example");
            }
            out.computeIfAbsent(parts[0].strip(), t -> new LinkedHashSet<>())
                    .add(normalize(parts[1].strip()));
        }
        return out;
    }

    private static String normalize(String domain) {
        return EmailAddress.parse("postmaster@" + domain).domain();
    }

    /** Builds the DNS checker and loads the keys; call once per task before {@link #check}. */
    public void open(Clock clock) throws Exception {
        this.clock = clock;
        verdicts = new ConcurrentHashMap<>();
        refreshing = ConcurrentHashMap.newKeySet();
        if (!verify) {
            return;
        }
        checker = new SenderDomainCheck(dns.resolver(), clock);
        keyRing = new DkimKeyRing();
        for (String entry : dkimKeys) {
            String[] parts = entry.split("/", 3);
            keyRing.activate(DkimKey.load(parts[0], parts[1], Path.of(parts[2])));
        }
        refresher =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "sender-domain-recheck");
                            t.setDaemon(true);
                            return t;
                        });
    }

    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    /** Empty when {@code tenant} may send as the domain of {@code fromAddress}. */
    public Optional<Rejection> check(String tenant, String fromAddress) {
        String domain = EmailAddress.parse(fromAddress).domain();
        if (!claimed(tenant, domain)) {
            return Optional.of(
                    new Rejection(
                            CODE,
                            "tenant "
                                    + tenant
                                    + " has not claimed "
                                    + domain
                                    + " (sluice.sender-domains "
                                    + tenant
                                    + "/"
                                    + domain
                                    + ")"));
        }
        if (!verify) {
            return Optional.empty();
        }
        String key = tenant + "/" + domain;
        Verdict v = verdicts.get(key);
        Instant now = clock.instant();
        if (v == null) {
            v = new Verdict(report(tenant, domain), now);
            verdicts.put(key, v);
        } else if (now.isAfter(v.checkedAt().plus(recheck)) && refreshing.add(key)) {
            Verdict last = v;
            refresher.execute(
                    () -> {
                        try {
                            SenderDomainReport fresh = report(tenant, domain);
                            boolean keepLast = fresh.temporary() && last.report().verified();
                            verdicts.put(
                                    key,
                                    new Verdict(keepLast ? last.report() : fresh, clock.instant()));
                        } finally {
                            refreshing.remove(key);
                        }
                    });
        }
        SenderDomainReport report = v.report();
        if (report.verified()) {
            return Optional.empty();
        }
        DomainCheck problem = report.firstProblem().orElseThrow();
        return Optional.of(new Rejection(CODE, problem.line()));
    }

    /** True when {@code tenant} has claimed {@code domain} in sluice.sender-domains. */
    public boolean claimed(String tenant, String domain) {
        return claims.getOrDefault(tenant, Set.of()).contains(normalize(domain));
    }

    /**
     * Checks {@code domain} for {@code tenant} from DNS now (blocking), whether or not it is
     * claimed: what {@code sluice domain check} prints. Needs {@link #open} with verification on.
     */
    public SenderDomainReport report(String tenant, String domain) {
        if (checker == null) {
            throw new IllegalStateException("open() the policy with verification on first");
        }
        domain = normalize(domain);
        List<SendingIp> ips = new ArrayList<>();
        List<String> open = new ArrayList<>(pools.poolsOpenTo(tenant));
        open.sort(null);
        for (String pool : open) {
            ips.addAll(sendingIps.pool(pool));
        }
        String returnPathDomain =
                returnPaths.verp()
                        ? returnPaths.bounceDomain(domain)
                        : domain.toLowerCase(Locale.ROOT);
        return checker.check(tenant, domain, keyRing.keysFor(domain), ips, returnPathDomain);
    }
}
