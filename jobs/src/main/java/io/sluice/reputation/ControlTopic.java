package io.sluice.reputation;

import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.SchemaVersions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The control topic as operators and tools see it: decisions written one at a time, keyed like the
 * reputation job's ({@link ControlKeys}), and the latest decision per key read back. Plain Kafka
 * clients; the jobs read the topic with their own sources.
 */
public final class ControlTopic implements AutoCloseable {

    private final String bootstrapServers;
    private final String topic;
    private KafkaProducer<byte[], byte[]> producer;

    public ControlTopic(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /** The key a decision is written under. */
    public static String keyOf(ControlEvent c) {
        if (c.getDkim() != null) {
            // One key per selector: compaction keeps its latest change (a withdrawal replaces
            // the activation), never one selector's in place of another's.
            return c.getType().name()
                    + ":"
                    + c.getDkim().getDomain()
                    + "/"
                    + c.getDkim().getSelector();
        }
        String tenant = c.getTenant();
        return ControlKeys.of(
                c.getType().name(),
                c.getSendingIp(),
                c.getSite(),
                c.getSendingIp() == null ? tenant : null);
    }

    /** Writes {@code c} and waits until the broker has it. */
    public void publish(ControlEvent c) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SchemaVersions.HEADER, SchemaVersions.CURRENT.getBytes(StandardCharsets.UTF_8));
        producer()
                .send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                null,
                                keyOf(c).getBytes(StandardCharsets.UTF_8),
                                SendRequestCodec.encode(c),
                                headers))
                .get();
    }

    /**
     * The latest decision of every key, in the order the keys were first written, read from the
     * start of the topic to its current end (committed records only).
     */
    public Map<String, ControlEvent> latest() throws Exception {
        Map<String, ControlEvent> latest = new LinkedHashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        latest.remove(key);
                    } else {
                        latest.put(key, decode(r));
                    }
                }
            }
        }
        return latest;
    }

    private static ControlEvent decode(ConsumerRecord<byte[], byte[]> r) throws Exception {
        Header version = r.headers().lastHeader(SchemaVersions.HEADER);
        return SendRequestCodec.decode(
                r.value(),
                ControlEvent.class,
                ControlEvent.getClassSchema(),
                version == null ? null : new String(version.value(), StandardCharsets.UTF_8));
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
