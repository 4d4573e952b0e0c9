package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.kafka.Topics;
import io.sluice.local.LocalStack;
import io.sluice.schema.BounceClass;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.Priority;
import io.sluice.schema.SendRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way an attempt can fail, through the real job: dead addresses and domains bounce hard at
 * once, a disabled account bounces soft, greylisting is deferred and then delivered through the
 * retry loop, a full mailbox is retried until the schedule runs out and then expires. Each message
 * ends with one final event.
 */
class FailurePathsITCase {

    @TempDir static Path home;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + 7) % 20_000);
        // Yahoo's mail must go over TLS, which the simulated providers do not offer.
        stack =
                LocalStack.start(
                        new LocalStack.Settings(home, 0, 0, smtpPort, 43, 2, false)
                                .with(DeliveryOptions.SMTP_TLS_REQUIRED_SITES.key(), "yahoo"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void eachFailureEndsTheWayItShould() throws Exception {
        Map<String, String> recipients = new HashMap<>();
        recipients.put("unknown", "unknown-ann@gmail.com");
        // The simulated reply is Gmail's own text for a disabled account, so it goes to Gmail.
        recipients.put("disabled", "disabled-bob@gmail.com");
        recipients.put("null-mx", "carl@nomail.example");
        recipients.put("nxdomain", "dana@no-such-domain.example");
        recipients.put("greylist", "greylist-eve@outlook.com");
        recipients.put("full", "full-fay@smallisp.example");
        recipients.put("tls", "tls-hal@yahoo.com");
        try (KafkaProducer<byte[], byte[]> producer = stack.producer()) {
            for (Map.Entry<String, String> r : recipients.entrySet()) {
                producer.send(LocalStack.record(request(r.getKey(), r.getValue()))).get();
            }
            // globex sending as acme: a domain it has not claimed (issue #4).
            SendRequest spoof = request("spoof", "ok-gus@gmail.com");
            spoof.setFromAddress("ceo@acme.example");
            producer.send(LocalStack.record(spoof)).get();
        }
        recipients.put("spoof", "ok-gus@gmail.com");

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
                        return events.stream().filter(DeliveryEvent::getIsFinal).count()
                                >= recipients.size();
                    },
                    Duration.ofMinutes(3));
        }
        Map<String, List<DeliveryEvent>> byMessage =
                events.stream().collect(Collectors.groupingBy(DeliveryEvent::getMessageId));

        assertFinal(
                byMessage, "unknown", DeliveryEventType.BOUNCED, BounceClass.HARD, "userunknown");
        // A disabled account may come back: soft (sisimai's "suspend"), never suppressed.
        assertFinal(byMessage, "disabled", DeliveryEventType.BOUNCED, BounceClass.SOFT, "suspend");
        assertFinal(
                byMessage, "null-mx", DeliveryEventType.BOUNCED, BounceClass.HARD, "hostunknown");
        assertFinal(
                byMessage, "nxdomain", DeliveryEventType.BOUNCED, BounceClass.HARD, "hostunknown");
        assertFinal(byMessage, "greylist", DeliveryEventType.DELIVERED, null, null);
        assertFinal(byMessage, "full", DeliveryEventType.EXPIRED, null, null);
        // Never sent in clear: deferred at STARTTLS on every attempt, then expired.
        assertFinal(byMessage, "tls", DeliveryEventType.EXPIRED, null, null);
        assertThat(
                        byMessage.get("f-tls").stream()
                                .filter(e -> e.getType() == DeliveryEventType.DEFERRED))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getReason()).contains("does not offer STARTTLS"));
        assertThat(stack.internet().server("yahoo-like").received())
                .noneMatch(m -> m.recipients().contains("tls-hal@yahoo.com"));
        assertFinal(
                byMessage,
                "spoof",
                DeliveryEventType.REJECTED,
                null,
                "sender-domain-not-verified: tenant globex has not claimed acme.example");
        assertThat(types(byMessage, "spoof")).containsExactly(DeliveryEventType.REJECTED);

        assertThat(types(byMessage, "greylist"))
                .containsSubsequence(
                        DeliveryEventType.ATTEMPTED, DeliveryEventType.DEFERRED,
                        DeliveryEventType.ATTEMPTED, DeliveryEventType.DELIVERED);
        List<DeliveryEvent> full = byMessage.get("f-full");
        assertThat(full.stream().filter(e -> e.getType() == DeliveryEventType.ATTEMPTED))
                .as("a full mailbox is tried as often as the schedule allows")
                .hasSize(4);
        assertThat(full.stream().filter(e -> e.getType() == DeliveryEventType.DEFERRED))
                .allSatisfy(e -> assertThat(e.getNextAttemptAt()).isAfter(e.getOccurredAt()))
                .hasSize(3);
        for (List<DeliveryEvent> perMessage : byMessage.values()) {
            assertThat(perMessage.stream().filter(DeliveryEvent::getIsFinal)).hasSize(1);
        }
    }

    private static void assertFinal(
            Map<String, List<DeliveryEvent>> byMessage,
            String kind,
            DeliveryEventType type,
            BounceClass bounceClass,
            String reason) {
        DeliveryEvent last =
                byMessage.get("f-" + kind).stream()
                        .filter(DeliveryEvent::getIsFinal)
                        .findFirst()
                        .orElseThrow();
        assertThat(last.getType()).as(kind + ": " + last.getReason()).isEqualTo(type);
        if (bounceClass != null) {
            assertThat(last.getBounceClass()).as(kind).isEqualTo(bounceClass);
        }
        if (reason != null) {
            assertThat(last.getReason()).as(kind).startsWith(reason);
        }
    }

    private static List<DeliveryEventType> types(
            Map<String, List<DeliveryEvent>> byMessage, String kind) {
        return byMessage.get("f-" + kind).stream().map(DeliveryEvent::getType).toList();
    }

    private static SendRequest request(String kind, String recipient) {
        return SendRequest.newBuilder()
                .setMessageId("f-" + kind)
                .setTenant("globex")
                .setPriority(Priority.TRANSACTIONAL)
                .setFromAddress("alerts@globex.example")
                .setRecipient(recipient)
                .setSubject("Alert " + kind)
                .setTextBody("Something happened.")
                .setSubmittedAt(Instant.now())
                .build();
    }
}
