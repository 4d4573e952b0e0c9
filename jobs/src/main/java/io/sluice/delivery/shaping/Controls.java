package io.sluice.delivery.shaping;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The control decisions in force, indexed for the scheduler's questions: the rate override of an IP
 * at a site, its warm-up quota, whether it may send there, where a tenant's mail goes.
 */
public final class Controls {

    /** No decisions: every IP active and warm, the rules' rates, the requested pools. */
    public static final Controls NONE = new Controls(java.util.List.of());

    private final Map<String, Control> rates = new HashMap<>();
    private final Map<String, Control> quotas = new HashMap<>();
    private final Map<String, Control> ipStatus = new HashMap<>();
    private final Map<String, Control> tenants = new HashMap<>();
    private final Map<String, java.util.List<DkimChange>> dkim = new HashMap<>();

    public Controls(Collection<Control> controls) {
        for (Control c : controls) {
            switch (c.type()) {
                case RATE_OVERRIDE -> rates.put(key(c.sendingIp(), c.site()), c);
                case WARMUP_QUOTA -> quotas.put(key(c.sendingIp(), c.site()), c);
                case IP_STATUS -> ipStatus.put(key(c.sendingIp(), c.site()), c);
                case TENANT_STATUS -> tenants.put(c.tenant(), c);
                case DKIM_KEY ->
                        dkim.computeIfAbsent(c.dkim().domain(), d -> new java.util.ArrayList<>())
                                .add(c.dkim());
            }
        }
        dkim.values()
                .forEach(l -> l.sort(java.util.Comparator.comparingLong(DkimChange::issuedAt)));
    }

    /**
     * The DKIM key changes of {@code fromDomain}, oldest first; null when there are none (the usual
     * case: nothing rides on the release).
     */
    public java.util.List<DkimChange> dkim(String fromDomain) {
        if (dkim.isEmpty()) {
            return null;
        }
        java.util.List<DkimChange> l = dkim.get(fromDomain.toLowerCase(java.util.Locale.ROOT));
        return l == null ? null : java.util.List.copyOf(l);
    }

    public boolean isEmpty() {
        return rates.isEmpty()
                && quotas.isEmpty()
                && ipStatus.isEmpty()
                && tenants.isEmpty()
                && dkim.isEmpty();
    }

    /** The override for {@code ip} at {@code site}, else for the site, else none. */
    public Optional<Rate> rate(String site, String ip, long now) {
        if (rates.isEmpty()) {
            return Optional.empty(); // the usual case: no keys built for nothing
        }
        Control c = first(rates, now, key(ip, site), key(null, site));
        return c == null ? Optional.empty() : Optional.of(Rate.parse(c.rate()));
    }

    /** Messages a day {@code ip} may send to {@code site} while warming up; -1 when warm. */
    public long quota(String site, String ip, long now) {
        if (quotas.isEmpty()) {
            return -1;
        }
        Control c = first(quotas, now, key(ip, site), key(ip, null));
        return c == null || c.quotaPerDay() == null ? -1 : c.quotaPerDay();
    }

    /**
     * True once a quota for {@code ip} (at the site or IP-wide) has come, in force or lapsed: a
     * warm-up that finished lapses its last quota, and the IP is then warm.
     */
    public boolean everHadQuota(String site, String ip) {
        return quotas.containsKey(key(ip, site)) || quotas.containsKey(key(ip, null));
    }

    /**
     * Until when {@code ip} may not send to {@code site} by decision (PAUSED, BLOCKED, RETIRED):
     * the latest stop of those in force for the IP at the site, for the IP everywhere, and for
     * every IP at the site (an operator's site-wide pause); 0 when none stops it. Each is lifted by
     * an ACTIVE decision of its own scope.
     */
    public long ipStoppedUntil(String site, String ip, long now) {
        if (ipStatus.isEmpty()) {
            return 0;
        }
        return Math.max(
                stoppedUntil(ipStatus.get(key(ip, site)), now),
                Math.max(
                        stoppedUntil(ipStatus.get(key(ip, null)), now),
                        stoppedUntil(ipStatus.get(key(null, site)), now)));
    }

    private static long stoppedUntil(Control c, long now) {
        if (c == null || !c.inForce(now)) {
            return 0;
        }
        return switch (c.status()) {
            case "PAUSED", "BLOCKED", "RETIRED" ->
                    c.expiresAt() == null ? Long.MAX_VALUE : c.expiresAt().toEpochMilli();
            default -> 0;
        };
    }

    /** The pool a QUARANTINED tenant was moved to; empty otherwise. */
    public Optional<String> tenantPool(String tenant, long now) {
        Control c = tenants.get(tenant);
        if (c == null || !c.inForce(now) || !"QUARANTINED".equals(c.status())) {
            return Optional.empty();
        }
        return Optional.ofNullable(c.pool());
    }

    public boolean tenantPaused(String tenant, long now) {
        Control c = tenants.get(tenant);
        return c != null && c.inForce(now) && "PAUSED".equals(c.status());
    }

    private static Control first(Map<String, Control> m, long now, String... keys) {
        for (String k : keys) {
            Control c = m.get(k);
            if (c != null && c.inForce(now)) {
                return c;
            }
        }
        return null;
    }

    private static String key(String ip, String site) {
        return (ip == null ? "" : ip) + "@" + (site == null ? "" : site);
    }
}
