package io.sluice.delivery.shaping;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which sending IPs a tenant's message may leave from: its requested pool when that is shared or
 * the tenant's own dedicated pool, the quarantine pool when the reputation job moved the tenant
 * there, else the default pool. Another tenant's dedicated pool is never used.
 */
public final class PoolPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, List<String>> ipsByPool;
    private final Map<String, String> ownerByPool;
    private final String defaultPool;
    private final Set<String> newIps;

    public PoolPolicy(
            Map<String, List<String>> ipsByPool,
            Map<String, String> ownerByPool,
            String defaultPool) {
        this(ipsByPool, ownerByPool, defaultPool, Set.of());
    }

    private PoolPolicy(
            Map<String, List<String>> ipsByPool,
            Map<String, String> ownerByPool,
            String defaultPool,
            Set<String> newIps) {
        this.ipsByPool = Map.copyOf(ipsByPool);
        this.ownerByPool = Map.copyOf(ownerByPool);
        this.defaultPool = defaultPool;
        this.newIps = Set.copyOf(newIps);
        if (!ipsByPool.containsKey(defaultPool)) {
            throw new IllegalArgumentException(
                    "default pool '" + defaultPool + "' has no sending IPs; pools: " + ipsByPool);
        }
        for (var e : ownerByPool.entrySet()) {
            if (!ipsByPool.containsKey(e.getKey())) {
                throw new IllegalArgumentException(
                        "dedicated pool '"
                                + e.getKey()
                                + "' of tenant "
                                + e.getValue()
                                + " has no sending IPs -- add pool/address/ehlo-name entries");
            }
            if (e.getKey().equals(defaultPool)) {
                throw new IllegalArgumentException(
                        "the default pool '" + defaultPool + "' cannot be dedicated to a tenant");
            }
        }
    }

    /**
     * @param sendingIps {@code pool/address/ehlo-name} entries (sluice.sending-ips)
     * @param dedicated {@code pool/tenant} entries: the pool belongs to that tenant alone
     */
    public static PoolPolicy of(
            List<String> sendingIps, List<String> dedicated, String defaultPool) {
        Map<String, List<String>> ips = new LinkedHashMap<>();
        for (String entry : sendingIps) {
            String[] parts = entry.strip().split("/");
            if (parts.length != 3) {
                throw new IllegalArgumentException(
                        "sending IP entry '" + entry + "' -- expected pool/address/ehlo-name");
            }
            ips.computeIfAbsent(parts[0], p -> new ArrayList<>()).add(parts[1]);
        }
        Map<String, String> owners = new LinkedHashMap<>();
        for (String entry : dedicated) {
            String[] parts = entry.strip().split("/");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException(
                        "dedicated pool entry '" + entry + "' -- expected pool/tenant");
            }
            owners.put(parts[0], parts[1]);
        }
        return new PoolPolicy(ips, owners, defaultPool);
    }

    /**
     * The same pools with {@code ips} new (sluice.reputation.new-ips): cold until the reputation
     * job gives them their first warm-up quota.
     */
    public PoolPolicy withNewIps(Collection<String> ips) {
        Set<String> stripped = new HashSet<>();
        ips.forEach(ip -> stripped.add(ip.strip()));
        return new PoolPolicy(ipsByPool, ownerByPool, defaultPool, stripped);
    }

    public boolean isNew(String ip) {
        return newIps.contains(ip);
    }

    /** The pool {@code tenant}'s message that asked for {@code requested} leaves from. */
    public String poolFor(String tenant, String requested, Controls controls, long now) {
        String moved = controls.tenantPool(tenant, now).orElse(null);
        if (moved != null && ipsByPool.containsKey(moved)) {
            return moved;
        }
        if (requested == null || !ipsByPool.containsKey(requested)) {
            return defaultPool;
        }
        String owner = ownerByPool.get(requested);
        return owner == null || owner.equals(tenant) ? requested : defaultPool;
    }

    /**
     * Every pool {@code tenant}'s mail may leave from: all but those dedicated to other tenants
     * (the reputation job may move a tenant to any of them, the quarantine pool included).
     */
    public List<String> poolsOpenTo(String tenant) {
        List<String> out = new ArrayList<>();
        for (String pool : ipsByPool.keySet()) {
            String owner = ownerByPool.get(pool);
            if (owner == null || owner.equals(tenant)) {
                out.add(pool);
            }
        }
        return out;
    }

    public List<String> ips(String pool) {
        return ipsByPool.getOrDefault(pool, List.of());
    }

    /**
     * The IP a message's retries stay on: receivers greylist per (IP, sender, recipient), so a
     * retry from another IP is greylisted again. The same hash as the first attempt's choice.
     */
    public String sticky(String pool, String messageId) {
        List<String> ips = ips(pool);
        return ips.get(Math.floorMod(messageId.hashCode(), ips.size()));
    }
}
