package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.verp.VerpAddress;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.kafka.Topics;
import io.sluice.feedback.FeedbackJob;
import io.sluice.inbound.InboundServer;
import io.sluice.inbound.InboundSettings;
import io.sluice.inbound.KafkaInboundSink;
import io.sluice.local.KafkaBroker;
import io.sluice.local.TopicSetup;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out-of-band feedback through the real parts: a provider's SMTP client hands a complaint report to
 * the feedback address and a bounce to a signed return path of Sluice's inbound server, which
 * stores them on Kafka; the feedback job turns them into feedback events and suppressions.
 */
class InboundFeedbackITCase {

    private static final VerpKeys KEYS =
            new VerpKeys(
                    "k1",
                    Map.of(
                            "k1",
                            "inbound-it-key-inbound-it-key-32".getBytes(StandardCharsets.UTF_8)));

    @TempDir static Path home;
    private static KafkaBroker broker;
    private static KafkaInboundSink sink;
    private static InboundServer server;
    private static JobClient job;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.start(home.resolve("kafka"), 0, Duration.ofSeconds(90));
        TopicSetup.ensure(broker.bootstrapServers(), 2);
        sink =
                new KafkaInboundSink(
                        broker.bootstrapServers(), Topics.INBOUND_MAIL, Duration.ofSeconds(30));
        server =
                InboundServer.start(
                        new InboundSettings(
                                InetAddress.getByName("127.0.0.1"),
                                0,
                                "inbound.sluice.test",
                                Set.of("bounces.acme.example"),
                                Set.of("fbl@acme.example"),
                                10 * 1024 * 1024),
                        KEYS,
                        sink,
                        Clock.systemUTC());
        Configuration conf = new Configuration();
        conf.set(DeliveryOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        conf.setString("execution.checkpointing.interval", "1s");
        conf.setString("state.checkpoints.dir", home.resolve("checkpoints").toUri().toString());
        conf.setString("parallelism.default", "2");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        FeedbackJob.build(env, FeedbackJob.kafka(conf), Clock.systemUTC());
        job = env.executeAsync("sluice-feedback");
    }

    @AfterAll
    static void stop() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        if (server != null) {
            server.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aComplaintAndABounceBecomeFeedbackEventsAndSuppressions() throws Exception {
        byte[] report =
                Files.readAllBytes(
                        Path.of(
                                System.getProperty("sluice.corpora", "../shared/corpora"),
                                "arf/mail/arf-01.eml"));
        byte[] bounce =
                Files.readAllBytes(
                        Path.of(
                                System.getProperty("sluice.corpora", "../shared/corpora"),
                                "bounces/mail/lhost-activehunter-01.eml"));
        String returnPath =
                new VerpAddress("m-42", "reader@example.net").encode(KEYS, "bounces.acme.example");

        Instant sent = Instant.now();
        handOver("feedback@provider.example", "fbl@acme.example", report);
        handOver("", returnPath, bounce);

        List<FeedbackEvent> events = read(Topics.FEEDBACK_EVENTS, FeedbackEvent.class, 2, true);
        assertThat(events)
                .extracting(FeedbackEvent::getType, FeedbackEvent::getRecipient)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                FeedbackType.COMPLAINT, "redacted@example.net"),
                        org.assertj.core.groups.Tuple.tuple(
                                FeedbackType.BOUNCE, "reader@example.net"));

        List<SuppressionChange> changes =
                read(Topics.SUPPRESSIONS, SuppressionChange.class, 2, false);
        assertThat(changes)
                .extracting(
                        SuppressionChange::getAddress,
                        SuppressionChange::getReason,
                        SuppressionChange::getScope)
                .containsExactlyInAnyOrder(
                        // The report names no tenant Sluice can trust, so the complaint is global.
                        org.assertj.core.groups.Tuple.tuple(
                                "redacted@example.net",
                                SuppressionReason.COMPLAINT,
                                SuppressionScope.GLOBAL),
                        org.assertj.core.groups.Tuple.tuple(
                                "reader@example.net",
                                SuppressionReason.HARD_BOUNCE,
                                SuppressionScope.GLOBAL));
        System.out.println(
                "inbound: from hand-over to both suppressions in "
                        + Duration.between(sent, Instant.now()).toMillis()
                        + " ms (including this test's polling)");
    }

    /** Sends {@code content} to the inbound server as another mail server would. */
    private static void handOver(String from, String to, byte[] content) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", Integer.toString(server.address().getPort()));
        p.setProperty("mail.smtp.from", from);
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(content));
        Transport.send(m, new InternetAddress[] {new InternetAddress(to)});
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(
            String topic, Class<T> type, int count, boolean committedOnly) {
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topic)) {
            List<ConsumerRecord<byte[], byte[]>> records =
                    reader.readUntil(rs -> rs.size() >= count, Duration.ofMinutes(2));
            return records.stream().map(r -> TopicReader.decode(r.value(), type)).toList();
        }
    }
}
