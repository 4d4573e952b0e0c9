package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.delivery.kafka.Topics;
import io.sluice.delivery.suppression.SuppressionTopic;
import io.sluice.local.LocalStack;
import io.sluice.schema.BounceClass;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.Priority;
import io.sluice.schema.SendRequest;
import io.sluice.schema.SuppressionAction;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suppression list through the real job: a tenant's suppression holds for that tenant only, a
 * global one and a domain-wide one for everyone, a removal re-enables delivery, a feedback-loop
 * complaint suppresses the address for the tenant that sent the mail, and a hard bounce from a
 * simulated provider suppresses the address so that the next message to it ends {@code suppressed}
 * without an SMTP attempt.
 */
class SuppressionITCase {

    @TempDir static Path home;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + 11) % 20_000);
        stack = LocalStack.start(new LocalStack.Settings(home, 0, 0, smtpPort, 44, 2, false));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void suppressedAddressesAreNeverAttemptedAndAHardBounceSuppresses() throws Exception {
        Instant now = Instant.now();
        try (SuppressionTopic list =
                new SuppressionTopic(stack.bootstrapServers(), Topics.SUPPRESSIONS)) {
            list.publish(change("ann@gmail.com", "acme", SuppressionReason.UNSUBSCRIBE, now));
            list.publish(change("bob@yahoo.com", null, SuppressionReason.MANUAL, now));
            list.publish(change("carl@outlook.com", null, SuppressionReason.COMPLAINT, now));
            SuppressionChange removal =
                    change("carl@outlook.com", null, SuppressionReason.MANUAL, now);
            removal.setAction(SuppressionAction.REMOVE);
            list.publish(removal);
            list.publish(change("@smallisp.example", null, SuppressionReason.SPAM_TRAP, now));
            list.flush();
        }
        // A feedback loop reports a complaint about acme's mail to gina.
        try (KafkaProducer<byte[], byte[]> producer = stack.producer()) {
            FeedbackEvent complaint =
                    FeedbackEvent.newBuilder()
                            .setFeedbackId("fbl-gina-1")
                            .setType(FeedbackType.COMPLAINT)
                            .setTenant("acme")
                            .setRecipient("gina@gmail.com")
                            .setOccurredAt(now)
                            .setReceivedAt(now)
                            .setProvider("gmail")
                            .setReportType("abuse")
                            .build();
            producer.send(
                            new ProducerRecord<>(
                                    Topics.FEEDBACK_EVENTS,
                                    "fbl-gina-1".getBytes(StandardCharsets.UTF_8),
                                    SendRequestCodec.encode(complaint)))
                    .get();
        }
        awaitProcessed(Topics.FEEDBACK_EVENTS);
        awaitProcessed(Topics.SUPPRESSIONS);

        send(
                request("acme-ann", "acme", "Ann@GMAIL.com"),
                request("globex-ann", "globex", "ann@gmail.com"),
                request("acme-bob", "acme", "bob@yahoo.com"),
                request("globex-bob", "globex", "bob@yahoo.com"),
                request("acme-carl", "acme", "carl@outlook.com"),
                request("acme-dora", "acme", "dora@smallisp.example"),
                request("acme-erin-1", "acme", "unknown-erin@gmail.com"),
                request("acme-gina", "acme", "gina@gmail.com"),
                request("globex-gina", "globex", "gina@gmail.com"));

        Map<String, List<DeliveryEvent>> events = eventsUntilFinal(9);
        assertFinal(events, "acme-ann", DeliveryEventType.SUPPRESSED, "unsubscribe (tenant:acme)");
        assertFinal(events, "globex-ann", DeliveryEventType.DELIVERED, null);
        assertFinal(events, "acme-bob", DeliveryEventType.SUPPRESSED, "manual (global)");
        assertFinal(events, "globex-bob", DeliveryEventType.SUPPRESSED, "manual (global)");
        assertFinal(events, "acme-carl", DeliveryEventType.DELIVERED, null);
        assertFinal(
                events,
                "acme-dora",
                DeliveryEventType.SUPPRESSED,
                "spam-trap (global, domain smallisp.example)");
        assertFinal(events, "acme-erin-1", DeliveryEventType.BOUNCED, "userunknown");
        assertThat(last(events, "acme-erin-1").getBounceClass()).isEqualTo(BounceClass.HARD);
        assertFinal(events, "acme-gina", DeliveryEventType.SUPPRESSED, "complaint (tenant:acme)");
        assertFinal(events, "globex-gina", DeliveryEventType.DELIVERED, null);
        for (String suppressed :
                List.of("acme-ann", "acme-bob", "globex-bob", "acme-dora", "acme-gina")) {
            assertThat(events.get(suppressed))
                    .as(suppressed + " never reaches SMTP")
                    .extracting(DeliveryEvent::getType)
                    // Two operators write these two events, so their order on the topic is not
                    // fixed; no ATTEMPTED between them is what matters.
                    .containsExactlyInAnyOrder(
                            DeliveryEventType.ACCEPTED, DeliveryEventType.SUPPRESSED);
        }

        // The hard bounce is on the suppression topic, written as soon as the reply came back.
        ConsumerRecord<byte[], byte[]> bounce = suppressionOf("unknown-erin@gmail.com");
        SuppressionChange change = TopicReader.decode(bounce.value(), SuppressionChange.class);
        assertThat(change.getScope()).isEqualTo(SuppressionScope.GLOBAL);
        assertThat(change.getReason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
        assertThat(change.getSourceEventId()).isEqualTo("acme-erin-1:bounced:1");
        Duration lag =
                Duration.between(change.getChangedAt(), Instant.ofEpochMilli(bounce.timestamp()));
        System.out.println(
                "suppression: hard bounce to suppression topic in " + lag.toMillis() + " ms");
        // The contract is 1 s (issue #8), and the figure printed above is what the note reports;
        // the bound leaves room for a loaded 2-core CI machine without letting a checkpoint-bound
        // (10 s) path pass.
        assertThat(lag).as("from the bounce to the suppression").isLessThan(Duration.ofSeconds(3));

        awaitProcessed(Topics.SUPPRESSIONS);
        send(request("globex-erin-2", "globex", "unknown-erin@gmail.com"));
        Map<String, List<DeliveryEvent>> after = eventsUntilFinal(10);
        assertFinal(after, "globex-erin-2", DeliveryEventType.SUPPRESSED, "hard-bounce (global)");
        assertThat(after.get("globex-erin-2"))
                .extracting(DeliveryEvent::getType)
                .doesNotContain(DeliveryEventType.ATTEMPTED);
        for (List<DeliveryEvent> perMessage : after.values()) {
            assertThat(perMessage.stream().filter(DeliveryEvent::getIsFinal)).hasSize(1);
        }
    }

    private static void awaitProcessed(String topic) throws Exception {
        ConsumerGroups.awaitCommitted(stack.bootstrapServers(), "sluice-delivery", topic);
    }

    private static ConsumerRecord<byte[], byte[]> suppressionOf(String address) {
        try (TopicReader reader = new TopicReader(stack.bootstrapServers(), Topics.SUPPRESSIONS)) {
            List<ConsumerRecord<byte[], byte[]>> records =
                    reader.readUntil(
                            rs -> rs.stream().anyMatch(r -> key(r).equals("global:" + address)),
                            Duration.ofSeconds(30));
            return records.stream()
                    .filter(r -> key(r).equals("global:" + address))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, List<DeliveryEvent>> eventsUntilFinal(int finals) {
        List<DeliveryEvent> events = new ArrayList<>();
        try (TopicReader reader =
                new TopicReader(stack.bootstrapServers(), Topics.DELIVERY_EVENTS)) {
            reader.readUntil(
                    records -> {
                        for (int i = events.size(); i < records.size(); i++) {
                            events.add(
                                    TopicReader.decode(
                                            records.get(i).value(), DeliveryEvent.class));
                        }
                        return events.stream().filter(DeliveryEvent::getIsFinal).count() >= finals;
                    },
                    Duration.ofMinutes(2));
        }
        return events.stream().collect(Collectors.groupingBy(DeliveryEvent::getMessageId));
    }

    private static DeliveryEvent last(Map<String, List<DeliveryEvent>> events, String id) {
        return events.get(id).stream().filter(DeliveryEvent::getIsFinal).findFirst().orElseThrow();
    }

    private static void assertFinal(
            Map<String, List<DeliveryEvent>> events,
            String id,
            DeliveryEventType type,
            String reason) {
        DeliveryEvent e = last(events, id);
        assertThat(e.getType()).as(id + ": " + e.getReason()).isEqualTo(type);
        if (reason != null) {
            assertThat(e.getReason()).as(id).contains(reason);
        }
    }

    private static void send(SendRequest... requests) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = stack.producer()) {
            for (SendRequest r : requests) {
                producer.send(LocalStack.record(r)).get();
            }
        }
    }

    private static SuppressionChange change(
            String address, String tenant, SuppressionReason reason, Instant at) {
        return SuppressionChange.newBuilder()
                .setAddress(address)
                .setScope(tenant == null ? SuppressionScope.GLOBAL : SuppressionScope.TENANT)
                .setTenant(tenant)
                .setAction(SuppressionAction.ADD)
                .setReason(reason)
                .setChangedAt(at)
                .build();
    }

    private static SendRequest request(String id, String tenant, String recipient) {
        return SendRequest.newBuilder()
                .setMessageId(id)
                .setTenant(tenant)
                .setPriority(Priority.TRANSACTIONAL)
                .setFromAddress("alerts@" + tenant + ".example")
                .setRecipient(recipient)
                .setSubject("Notice for " + id)
                .setTextBody("Something happened.")
                .setSubmittedAt(Instant.now())
                .build();
    }
}
