package io.sluice.delivery.kafka;

import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.schema.SchemaVersions;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a value to one topic as plain Avro binary, keyed by a string of the value, with the schema
 * version in the {@value SchemaVersions#HEADER} header.
 */
public final class AvroRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** A function Flink can ship with the job graph. */
    public interface SerializableFunction<A, B> extends Function<A, B>, Serializable {}

    private final String topic;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, ? extends SpecificRecord> toAvro;
    private final boolean elementTimestamps;

    /** Records carry the element's timestamp: the time of the Kafka record it came from. */
    public AvroRecordSerializer(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, ? extends SpecificRecord> toAvro) {
        this(topic, key, toAvro, true);
    }

    private AvroRecordSerializer(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, ? extends SpecificRecord> toAvro,
            boolean elementTimestamps) {
        this.topic = topic;
        this.key = key;
        this.toAvro = toAvro;
        this.elementTimestamps = elementTimestamps;
    }

    /**
     * This serializer with records stamped when they are produced instead: for topics where the
     * record's time should say when the job wrote it, not when the request that led to it came.
     */
    public AvroRecordSerializer<T> withProducerTimestamps() {
        return new AvroRecordSerializer<>(topic, key, toAvro, false);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T value, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SchemaVersions.HEADER, SchemaVersions.CURRENT.getBytes(StandardCharsets.UTF_8));
        String k = key.apply(value);
        return new ProducerRecord<>(
                topic,
                null,
                elementTimestamps ? timestamp : null,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                SendRequestCodec.encode(toAvro.apply(value)),
                headers);
    }
}
