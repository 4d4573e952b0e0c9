package io.sluice.sim.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.SchemaVersions;
import io.sluice.sim.policy.Folder;
import io.sluice.sim.profile.SenderRate;
import io.sluice.sim.truth.Delivery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Engagement events reach the named topic as every Sluice topic is written: Avro binary a reader of
 * the schema decodes, keyed by message id, with the schema version header.
 */
class KafkaEngagementSinkTest {

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    @Test
    void opensAndClicksAreWrittenToTheNamedTopicAsAvroKeyedByMessageId() throws IOException {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaEngagementSink sink = new KafkaEngagementSink(producer, "sim.feedback-events");
        EngagementLoop loop =
                new EngagementLoop(
                        "gmail-like",
                        SenderRate.of(1),
                        SenderRate.of(1),
                        sink,
                        Clock.fixed(T0, ZoneOffset.UTC));
        Delivery d =
                new Delivery(
                        "gmail-like",
                        "msg-42@acme.example",
                        "ann@gmail.com",
                        "127.0.0.10",
                        "bounce@acme.example",
                        "none",
                        Folder.INBOX,
                        T0);

        loop.emit(d, loop.draw(d));

        assertThat(producer.history()).hasSize(2);
        for (ProducerRecord<byte[], byte[]> r : producer.history()) {
            assertThat(r.topic()).isEqualTo("sim.feedback-events");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("msg-42");
            assertThat(
                            new String(
                                    r.headers().lastHeader(SchemaVersions.HEADER).value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo(SchemaVersions.CURRENT);
        }
        FeedbackEvent open = decode(producer.history().get(0).value());
        FeedbackEvent click = decode(producer.history().get(1).value());
        assertThat(open.getType()).isEqualTo(FeedbackType.OPEN);
        assertThat(click.getType()).isEqualTo(FeedbackType.CLICK);
        assertThat(open.getMessageId()).isEqualTo("msg-42");
        assertThat(open.getRecipient()).isEqualTo("ann@gmail.com");
        assertThat(open.getSendingIp()).isEqualTo("127.0.0.10");
        assertThat(open.getOccurredAt()).isEqualTo(T0);
        assertThat(click.getUrl()).isEqualTo("https://acme.example/");
        assertThat(open.getFeedbackId()).isNotEqualTo(click.getFeedbackId());

        // The same message again draws the same events with the same ids: consumers drop copies.
        loop.emit(d, loop.draw(d));
        assertThat(decode(producer.history().get(2).value()).getFeedbackId())
                .isEqualTo(open.getFeedbackId());
        assertThat(sink.failed()).isZero();
    }

    @Test
    void mailFiledAsSpamIsNeverOpened() {
        InMemoryEngagementSink sink = new InMemoryEngagementSink();
        EngagementLoop loop =
                new EngagementLoop(
                        "gmail-like", SenderRate.of(1), SenderRate.of(1), sink, Clock.systemUTC());
        Delivery spam =
                new Delivery(
                        "gmail-like",
                        "msg-1@acme.example",
                        "bob@gmail.com",
                        "127.0.0.10",
                        "bounce@acme.example",
                        "none",
                        Folder.SPAM,
                        T0);
        loop.emit(spam, loop.draw(spam));
        assertThat(sink.events()).isEmpty();
    }

    private static FeedbackEvent decode(byte[] value) throws IOException {
        return new SpecificDatumReader<>(FeedbackEvent.class)
                .read(null, DecoderFactory.get().binaryDecoder(value, null));
    }
}
