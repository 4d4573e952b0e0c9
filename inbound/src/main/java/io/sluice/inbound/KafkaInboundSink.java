package io.sluice.inbound;

import io.sluice.schema.AvroBinary;
import io.sluice.schema.InboundMessage;
import io.sluice.schema.SchemaVersions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes inbound messages to {@code sluice.inbound-mail} (plain Avro binary, the schema version in
 * its header, like every Sluice topic) and waits for the broker's acknowledgement from all in-sync
 * replicas, so the server's 250 means the message is durable.
 */
public final class KafkaInboundSink implements InboundSink, AutoCloseable {

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration timeout;

    public KafkaInboundSink(String bootstrapServers, String topic, Duration timeout) {
        this.topic = topic;
        this.timeout = timeout;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A bounce may quote a whole message: allow what the topic allows (16 MiB).
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        this.producer = new KafkaProducer<>(p);
    }

    @Override
    public void write(InboundMessage m) throws Exception {
        String key = m.getVerpMessageId() != null ? m.getVerpMessageId() : m.getEnvelopeRecipient();
        send(topic, key, encode(m));
    }

    /**
     * Writes one-click unsubscribes ({@link UnsubscribeServer}) to {@code feedbackTopic} with this
     * sink's producer, as durably: keyed by message id, like every feedback event.
     */
    public UnsubscribeServer.Sink unsubscribes(String feedbackTopic) {
        return event -> send(feedbackTopic, event.getMessageId(), AvroBinary.encode(event));
    }

    private void send(String toTopic, String key, byte[] value) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SchemaVersions.HEADER, SchemaVersions.CURRENT.getBytes(StandardCharsets.UTF_8));
        producer.send(
                        new ProducerRecord<>(
                                toTopic,
                                null,
                                null,
                                key.getBytes(StandardCharsets.UTF_8),
                                value,
                                headers))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static byte[] encode(InboundMessage m) {
        return AvroBinary.encode(m, m.getContent().remaining() + 256);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
