package io.sluice.sim.feedback;

import io.sluice.schema.AvroBinary;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.SchemaVersions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes engagement events to a Kafka topic given by name (Sluice's is {@code
 * sluice.feedback-events}) as every Sluice topic is written: plain Avro binary, the schema version
 * in the {@value SchemaVersions#HEADER} header, keyed by message id (the recipient when the message
 * id is unknown). Sends are asynchronous, so an SMTP session never waits for the broker; a send
 * that fails is logged and counted ({@link #failed()}), not retried: an open is a simulated
 * recipient's, and losing one under a broker outage is what a real tracking pixel does too.
 */
public final class KafkaEngagementSink implements EngagementSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEngagementSink.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong failed = new AtomicLong();

    public KafkaEngagementSink(String bootstrapServers, String topic) {
        this(new KafkaProducer<>(settings(bootstrapServers)), topic);
    }

    /** Over a given producer (a {@code MockProducer} in tests). */
    public KafkaEngagementSink(Producer<byte[], byte[]> producer, String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("engagement events need a topic name");
        }
        this.producer = producer;
        this.topic = topic;
    }

    private static Properties settings(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // A broker that is down must not stall the provider's SMTP sessions for a minute.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        return p;
    }

    @Override
    public void accept(FeedbackEvent event) {
        String key = event.getMessageId() != null ? event.getMessageId() : event.getRecipient();
        RecordHeaders headers = new RecordHeaders();
        headers.add(SchemaVersions.HEADER, SchemaVersions.CURRENT.getBytes(StandardCharsets.UTF_8));
        producer.send(
                new ProducerRecord<>(
                        topic,
                        null,
                        null,
                        key.getBytes(StandardCharsets.UTF_8),
                        encode(event),
                        headers),
                (metadata, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        LOG.warn(
                                "engagement event {} not written to {}",
                                event.getFeedbackId(),
                                topic,
                                e);
                    }
                });
    }

    /** Events the broker did not take. */
    public long failed() {
        return failed.get();
    }

    static byte[] encode(FeedbackEvent event) {
        return AvroBinary.encode(event);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
