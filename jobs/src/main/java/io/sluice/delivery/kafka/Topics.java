package io.sluice.delivery.kafka;

import java.util.List;
import java.util.Map;

/**
 * Sluice's topics, their keys and settings; docs/topics.md says who writes and reads each. Keys are
 * UTF-8 strings so Flink SQL reads every topic with {@code 'key.format' = 'raw'}.
 */
public final class Topics {

    public static final String SEND_REQUESTS = "sluice.send-requests";
    public static final String DELIVERY_EVENTS = "sluice.delivery-events";
    public static final String DEAD_LETTERS = "sluice.dead-letters";
    public static final String RETRIES = "sluice.retries";
    public static final String SUPPRESSIONS = "sluice.suppressions";
    public static final String FEEDBACK_EVENTS = "sluice.feedback-events";
    public static final String CONTROL = "sluice.control";
    public static final String INBOUND_MAIL = "sluice.inbound-mail";

    /** Largest record on the topics that carry whole messages; producers set max.request.size. */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /** A topic with its partition count and configuration. */
    public record Spec(String name, int partitions, Map<String, String> config) {}

    private Topics() {}

    /** Every topic with production-minded settings, scaled to {@code partitions}. */
    public static List<Spec> all(int partitions) {
        Map<String, String> week = Map.of("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
        // Requests carry whole messages; the validator's default limit is 10 MiB of body.
        Map<String, String> messages =
                Map.of(
                        "retention.ms", Long.toString(7L * 24 * 3600 * 1000),
                        "max.message.bytes", Integer.toString(MAX_RECORD_BYTES));
        Map<String, String> month = Map.of("retention.ms", Long.toString(30L * 24 * 3600 * 1000));
        Map<String, String> compacted =
                Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000");
        return List.of(
                new Spec(SEND_REQUESTS, partitions, messages),
                new Spec(DELIVERY_EVENTS, partitions, month),
                new Spec(DEAD_LETTERS, partitions, month),
                new Spec(RETRIES, partitions, messages),
                new Spec(SUPPRESSIONS, partitions, compacted),
                new Spec(FEEDBACK_EVENTS, partitions, month),
                new Spec(CONTROL, 1, compacted),
                new Spec(INBOUND_MAIL, partitions, messages));
    }
}
