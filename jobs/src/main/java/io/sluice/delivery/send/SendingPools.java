package io.sluice.delivery.send;

import io.sluice.mta.smtp.SendingIp;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sending IPs, grouped into pools. Written as {@code pool/address/ehlo-name} entries, e.g.
 * {@code shared/192.0.2.10/mta10.example.net}; the EHLO name must be the address's PTR name. The
 * scheduler chooses the IP of each attempt and names it by its address ({@link #byAddress}).
 */
public final class SendingPools implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, List<SendingIp>> pools;
    private final Map<String, SendingIp> byAddress;
    private final String defaultPool;

    private SendingPools(
            Map<String, List<SendingIp>> pools,
            Map<String, SendingIp> byAddress,
            String defaultPool) {
        this.pools = pools;
        this.byAddress = byAddress;
        this.defaultPool = defaultPool;
    }

    /**
     * @throws IllegalArgumentException naming the entry and what was expected
     */
    public static SendingPools parse(List<String> entries, String defaultPool) {
        Map<String, List<SendingIp>> pools = new LinkedHashMap<>();
        Map<String, SendingIp> byAddress = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            String[] parts = entry.split("/");
            if (parts.length != 3 || parts[0].isBlank() || parts[2].isBlank()) {
                throw new IllegalArgumentException(
                        "sending IP entry "
                                + (i + 1)
                                + " '"
                                + entry
                                + "' -- expected pool/address/ehlo-name, e.g. shared/192.0.2.10/mta10.example.net");
            }
            InetAddress address;
            try {
                if (!parts[1].matches("[0-9.]+|[0-9a-fA-F:]+")) {
                    throw new UnknownHostException("not a literal address");
                }
                address = InetAddress.getByName(parts[1]);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(
                        "sending IP entry "
                                + (i + 1)
                                + " '"
                                + entry
                                + "': '"
                                + parts[1]
                                + "' is not an IPv4 or IPv6 address",
                        e);
            }
            SendingIp ip = new SendingIp(parts[0], address, parts[2]);
            pools.computeIfAbsent(parts[0], p -> new ArrayList<>()).add(ip);
            byAddress.putIfAbsent(parts[1], ip);
        }
        if (!pools.containsKey(defaultPool)) {
            throw new IllegalArgumentException(
                    "default pool '"
                            + defaultPool
                            + "' has no sending IPs; pools: "
                            + pools.keySet());
        }
        return new SendingPools(pools, byAddress, defaultPool);
    }

    /**
     * The IP written as {@code address} in the entries (the scheduler names IPs that way), if it is
     * one of them.
     */
    public Optional<SendingIp> byAddress(String address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    /** The IPs of {@code pool}, in the order written; empty for an unknown pool. */
    public List<SendingIp> pool(String pool) {
        return pools.getOrDefault(pool, List.of());
    }

    public String resolvePool(String pool) {
        return pool != null && pools.containsKey(pool) ? pool : defaultPool;
    }
}
