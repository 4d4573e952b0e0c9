package io.sluice.delivery.send;

import io.sluice.mta.smtp.SendingIp;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sending IPs, grouped into pools. Written as {@code pool/address/ehlo-name} entries, e.g.
 * {@code shared/192.0.2.10/mta10.example.net}; the EHLO name must be the address's PTR name.
 * Messages rotate over the IPs of their pool.
 */
public final class SendingPools implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, List<SendingIp>> pools;
    private final String defaultPool;
    private final Map<String, AtomicInteger> cursors =
            new java.util.concurrent.ConcurrentHashMap<>();

    private SendingPools(Map<String, List<SendingIp>> pools, String defaultPool) {
        this.pools = pools;
        this.defaultPool = defaultPool;
    }

    /**
     * @throws IllegalArgumentException naming the entry and what was expected
     */
    public static SendingPools parse(List<String> entries, String defaultPool) {
        Map<String, List<SendingIp>> pools = new LinkedHashMap<>();
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
            pools.computeIfAbsent(parts[0], p -> new ArrayList<>())
                    .add(new SendingIp(parts[0], address, parts[2]));
        }
        if (!pools.containsKey(defaultPool)) {
            throw new IllegalArgumentException(
                    "default pool '"
                            + defaultPool
                            + "' has no sending IPs; pools: "
                            + pools.keySet());
        }
        return new SendingPools(pools, defaultPool);
    }

    /** The next IP of {@code pool} (the default pool when null or unknown), in rotation. */
    public SendingIp next(String pool) {
        String name = pool != null && pools.containsKey(pool) ? pool : defaultPool;
        List<SendingIp> ips = pools.get(name);
        int i = cursors.computeIfAbsent(name, n -> new AtomicInteger()).getAndIncrement();
        return ips.get(Math.floorMod(i, ips.size()));
    }

    public String resolvePool(String pool) {
        return pool != null && pools.containsKey(pool) ? pool : defaultPool;
    }
}
