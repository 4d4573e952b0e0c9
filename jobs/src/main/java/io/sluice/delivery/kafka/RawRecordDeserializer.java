package io.sluice.delivery.kafka;

import io.sluice.delivery.intake.RawRecord;
import io.sluice.schema.SchemaVersions;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Passes Kafka records on undecoded: decoding happens in an operator, where a failure can go to the
 * dead-letter topic instead of failing the source.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
        Header version = r.headers().lastHeader(SchemaVersions.HEADER);
        out.collect(
                new RawRecord(
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        r.key(),
                        r.value(),
                        version == null || version.value() == null
                                ? null
                                : new String(version.value(), StandardCharsets.UTF_8)));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
