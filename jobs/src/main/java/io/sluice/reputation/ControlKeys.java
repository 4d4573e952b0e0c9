package io.sluice.reputation;

/**
 * The Kafka key of a decision on the compacted control topic: {@code TYPE:scope}, so compaction
 * keeps the latest decision per type and scope (docs/topics.md), e.g. {@code
 * IP_STATUS:203.0.113.5/yahoo}, {@code WARMUP_QUOTA:203.0.113.5/*} (every site without its own
 * quota), {@code TENANT_STATUS:acme}, {@code DKIM_KEY:acme.example/s2026} (ControlTopic.keyOf).
 */
public final class ControlKeys {

    private ControlKeys() {}

    public static String of(String type, String ip, String site, String tenant) {
        if (ip != null) {
            return type + ":" + ip + "/" + (site == null ? "*" : site);
        }
        if (tenant != null) {
            return type + ":" + tenant;
        }
        return type + ":*/" + (site == null ? "*" : site);
    }
}
