package io.sluice.delivery.kafka;

import io.sluice.delivery.intake.RawRecord;
import io.sluice.delivery.suppression.SuppressionChanges;
import io.sluice.schema.DeadLetter;
import io.sluice.schema.SuppressionChange;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The Kafka sources and sinks Sluice's jobs are built from, with the settings each kind of topic
 * needs, in one place: the delivery job and the feedback job read and write some of the same topics
 * and must do it the same way.
 */
public final class KafkaEndpoints {

    private KafkaEndpoints() {}

    /**
     * A source of what producers committed, from the group's offsets (the earliest on a first
     * start). Producers may write transactionally; a job never acts on what they abort.
     */
    public static KafkaSource<RawRecord> readCommitted(String servers, String topic, String group) {
        return source(servers, topic, group, "read_committed", OffsetResetStrategy.EARLIEST)
                .build();
    }

    /**
     * A source that sees records as soon as they are written, aborted transactions included: for
     * topics whose records are idempotent and needed within milliseconds (suppressions: ADR 3).
     */
    public static KafkaSource<RawRecord> readUncommitted(
            String servers, String topic, String group, OffsetResetStrategy firstStart) {
        var b = source(servers, topic, group, "read_uncommitted", firstStart);
        // The default 500 ms wait for a fuller fetch would be most of the latency these topics
        // exist to avoid.
        b.setProperty("fetch.max.wait.ms", "20");
        return b.build();
    }

    /** A transactional sink: records become visible when the checkpoint that covers them does. */
    public static <T> KafkaSink<T> exactlyOnce(
            String servers, String transactionalIdPrefix, AvroRecordSerializer<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(servers)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                // Above the checkpoint interval, within the broker's transaction.max.timeout.ms.
                .setProperty("transaction.timeout.ms", "900000")
                .setProperty("compression.type", "lz4")
                .setProperty("max.request.size", Integer.toString(Topics.MAX_RECORD_BYTES))
                .build();
    }

    /**
     * A sink that sends at once (linger 5 ms) and flushes on checkpoints: a replay may write a
     * record twice, which the topics it is used for tolerate (ADR 3, ADR 4).
     */
    public static <T> KafkaSink<T> atLeastOnce(String servers, AvroRecordSerializer<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(servers)
                .setRecordSerializer(serializer.withProducerTimestamps())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setProperty("linger.ms", "5")
                .build();
    }

    /** Suppression changes, keyed by scope and address, at least once (ADR 3). */
    public static KafkaSink<SuppressionChange> suppressions(String servers, String topic) {
        return atLeastOnce(
                servers,
                new AvroRecordSerializer<SuppressionChange>(
                        topic, SuppressionChanges::topicKey, c -> c));
    }

    /** Dead letters, keyed by where the bad record was read. */
    public static AvroRecordSerializer<DeadLetter> deadLetters(String topic) {
        return new AvroRecordSerializer<>(
                topic,
                d -> d.getSourceTopic() + "/" + d.getSourcePartition() + "/" + d.getSourceOffset(),
                d -> d);
    }

    private static org.apache.flink.connector.kafka.source.KafkaSourceBuilder<RawRecord> source(
            String servers,
            String topic,
            String group,
            String isolation,
            OffsetResetStrategy firstStart) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(servers)
                .setTopics(topic)
                .setGroupId(group)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(firstStart))
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("isolation.level", isolation)
                .setProperty("partition.discovery.interval.ms", "60000");
    }
}
