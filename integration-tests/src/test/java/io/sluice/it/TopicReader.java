package io.sluice.it;

import io.sluice.delivery.intake.SendRequestCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic's committed records from the beginning, as a downstream consumer would. */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    TopicReader(String bootstrap, String topic) {
        this(bootstrap, topic, "read_committed");
    }

    /**
     * @param isolation read_committed, or read_uncommitted for topics written without transactions
     */
    TopicReader(String bootstrap, String topic, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads until {@code done} holds for what was read, or fails after {@code timeout}. */
    List<ConsumerRecord<byte[], byte[]>> readUntil(
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.test(records)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(
                        "condition not met within "
                                + timeout
                                + " after "
                                + records.size()
                                + " records");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return List.copyOf(records);
    }

    /**
     * Reads everything written so far (up to the end offsets at the call), within {@code timeout}.
     */
    List<ConsumerRecord<byte[], byte[]>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        return readUntil(
                rs ->
                        end.entrySet().stream()
                                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue()),
                timeout);
    }

    /** A record value as Sluice writes it: plain Avro binary of the current schema. */
    static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
        try {
            Schema schema = (Schema) type.getMethod("getClassSchema").invoke(null);
            return SendRequestCodec.decode(bytes, type, schema, null);
        } catch (Exception e) {
            throw new AssertionError("cannot decode a " + type.getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
