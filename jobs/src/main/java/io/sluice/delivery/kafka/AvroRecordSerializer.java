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

    public AvroRecordSerializer(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, ? extends SpecificRecord> toAvro) {
        this.topic = topic;
        this.key = key;
        this.toAvro = toAvro;
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
                timestamp,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                SendRequestCodec.encode(toAvro.apply(value)),
                headers);
    }
}
