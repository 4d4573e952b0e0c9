package io.sluice.local;

import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the delivery events of one run (committed ones only) and keeps each message's latest state,
 * so the launcher can tell when every message has its final outcome. Not thread-safe: one thread
 * polls and reads.
 */
public final class OutcomeTally implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> messageIds;
    private final Map<String, DeliveryEventType> latest = new HashMap<>();
    private final Map<String, DeliveryEventType> finals = new HashMap<>();
    private long duplicateFinals;

    /** Starts at the topic's current end, so only events of this run are read. */
    public OutcomeTally(String bootstrapServers, String topic, Set<String> messageIds) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.messageIds = messageIds;
    }

    /** Reads what arrived within {@code wait}. */
    public void poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            DeliveryEvent e;
            try {
                e =
                        SendRequestCodec.decode(
                                r.value(),
                                DeliveryEvent.class,
                                DeliveryEvent.getClassSchema(),
                                null);
            } catch (Exception ex) {
                continue;
            }
            if (!messageIds.contains(e.getMessageId())) {
                continue;
            }
            if (finals.containsKey(e.getMessageId())) {
                if (e.getIsFinal()) {
                    duplicateFinals++;
                }
                continue;
            }
            latest.put(e.getMessageId(), e.getType());
            if (e.getIsFinal()) {
                finals.put(e.getMessageId(), e.getType());
            }
        }
    }

    public int finalCount() {
        return finals.size();
    }

    public boolean complete() {
        return finals.size() == messageIds.size();
    }

    /** Messages whose final event is {@code type}. */
    public long count(DeliveryEventType type) {
        return finals.values().stream().filter(t -> t == type).count();
    }

    /** Messages with no final event yet whose latest state is {@code type}. */
    public long pending(DeliveryEventType type) {
        return latest.entrySet().stream()
                .filter(e -> !finals.containsKey(e.getKey()) && e.getValue() == type)
                .count();
    }

    /** Final events seen for a message that already had one: must stay 0. */
    public long duplicateFinals() {
        return duplicateFinals;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
