package io.sluice.delivery.suppression;

import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.schema.SchemaVersions;
import io.sluice.schema.SuppressionAction;
import io.sluice.schema.SuppressionChange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The suppression list as operators and tools see it: the compacted topic, written a change at a
 * time (or millions, for an import) and read back for one address. Plain Kafka clients; the
 * delivery job reads the same topic with its own source.
 *
 * <p>Reading one address scans the partitions its keys hash to (as the producer's default
 * partitioner places them), so a check costs a scan of those partitions: seconds on a list of tens
 * of millions, which is fine for an operator's question and is why the job keeps its own copy in
 * keyed state instead of asking the topic.
 */
public final class SuppressionTopic implements AutoCloseable {

    private final String bootstrapServers;
    private final String topic;
    private KafkaProducer<byte[], byte[]> producer;

    public SuppressionTopic(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /**
     * Sends {@code c}, keyed {@link SuppressionChanges#topicKey}; {@link #flush()} waits for all
     * sent.
     */
    public Future<RecordMetadata> publish(SuppressionChange c) {
        return publish(c, e -> {});
    }

    /** Sends {@code c}; {@code onFailure} hears, on the producer's thread, if it is not written. */
    public Future<RecordMetadata> publish(SuppressionChange c, Consumer<Exception> onFailure) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SchemaVersions.HEADER, SchemaVersions.CURRENT.getBytes(StandardCharsets.UTF_8));
        return producer()
                .send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                null,
                                SuppressionChanges.topicKey(c).getBytes(StandardCharsets.UTF_8),
                                SendRequestCodec.encode(c),
                                headers),
                        (metadata, e) -> {
                            if (e != null) {
                                onFailure.accept(e);
                            }
                        });
    }

    public void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    /**
     * The changes in force for a normalized {@code address}: the latest ADD of each of its keys
     * (global and {@code tenant}'s, for the address and for its domain) that has not lapsed at
     * {@code now}, in that order.
     */
    public List<SuppressionChange> inForce(String address, String tenant, Instant now)
            throws Exception {
        List<String> keys = new ArrayList<>();
        String domain = SuppressionKey.domainOf(address);
        for (String a : List.of(address, domain)) {
            keys.add("global:" + a);
            if (tenant != null) {
                keys.add("tenant:" + tenant + ":" + a);
            }
        }
        Map<String, SuppressionChange> latest = latest(keys);
        List<SuppressionChange> inForce = new ArrayList<>();
        for (String k : keys) {
            SuppressionChange c = latest.get(k);
            if (c != null
                    && c.getAction() == SuppressionAction.ADD
                    && (c.getExpiresAt() == null || now.isBefore(c.getExpiresAt()))) {
                inForce.add(c);
            }
        }
        return inForce;
    }

    /** The latest change (null after a tombstone) of each key, scanning their partitions. */
    private Map<String, SuppressionChange> latest(List<String> keys) throws Exception {
        Map<String, SuppressionChange> latest = new LinkedHashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).size();
            List<byte[]> wanted = new ArrayList<>();
            List<TopicPartition> assigned = new ArrayList<>();
            for (String k : keys) {
                byte[] bytes = k.getBytes(StandardCharsets.UTF_8);
                wanted.add(bytes);
                // The producer's default partitioner for a keyed record (KIP-794 left it as is).
                TopicPartition tp =
                        new TopicPartition(
                                topic, Utils.toPositive(Utils.murmur2(bytes)) % partitions);
                if (!assigned.contains(tp)) {
                    assigned.add(tp);
                }
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    for (byte[] k : wanted) {
                        if (Arrays.equals(k, r.key())) {
                            latest.put(
                                    new String(k, StandardCharsets.UTF_8),
                                    r.value() == null ? null : decode(r));
                        }
                    }
                }
            }
        }
        return latest;
    }

    private static SuppressionChange decode(ConsumerRecord<byte[], byte[]> r) throws Exception {
        Header version = r.headers().lastHeader(SchemaVersions.HEADER);
        return SendRequestCodec.decode(
                r.value(),
                SuppressionChange.class,
                SuppressionChange.getClassSchema(),
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
            // An import sends millions of ~60-byte records: large batches, compressed.
            p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
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
