package io.sluice.delivery.send;

import io.sluice.mta.smtp.SendingIp;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sending IPs, grouped into pools. Written as {@code pool/address/ehlo-name} entries, e.g.
 * {@code shared/192.0.2.10/mta10.example.net}; the EHLO name must be the address's PTR name. Each
 * message is given one IP of its pool by a hash of its id, so messages spread over the pool and
 * every attempt of one message leaves from the same IP: receivers greylist per (IP, sender,
 * recipient), and a retry from another IP would be greylisted again.
 */
public final class SendingPools implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, List<SendingIp>> pools;
    private final String defaultPool;

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

    /** The IP of {@code pool} (the default pool when null or unknown) for {@code messageId}. */
    public SendingIp forMessage(String pool, String messageId) {
        List<SendingIp> ips = pools.get(resolvePool(pool));
        return ips.get(Math.floorMod(messageId.hashCode(), ips.size()));
    }

    public String resolvePool(String pool) {
        return pool != null && pools.containsKey(pool) ? pool : defaultPool;
    }
}
