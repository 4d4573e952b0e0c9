package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.kafka.Topics;
import io.sluice.local.LocalStack;
import io.sluice.mta.dkim.DkimVerifier;
import io.sluice.mta.dkim.DnsTxtLookup;
import io.sluice.schema.DeadLetter;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.Priority;
import io.sluice.schema.SendRequest;
import io.sluice.sim.smtp.MailboxServer;
import io.sluice.sim.smtp.ReceivedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of a message on real parts: a KRaft broker, the delivery job on a Flink
 * MiniCluster (parallelism 2, RocksDB, exactly-once), DNS over UDP and SMTP over TCP to the
 * simulated providers. 1,000 valid requests are delivered, 10 invalid ones rejected with reasons,
 * every delivered message carries RSA and Ed25519 DKIM signatures that verify, and an undecodable
 * record goes to the dead-letter topic while the job goes on.
 */
class FirstMessageEndToEndITCase {

    private static final int VALID = 1000;
    private static final String[] DOMAINS = {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "contoso.example",
        "smallisp.example"
    };

    @TempDir static Path home;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        int smtpPort = 20_000 + (int) (ProcessHandle.current().pid() % 20_000);
        stack = LocalStack.start(new LocalStack.Settings(home, 0, 0, smtpPort, 42, 2, true));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void validMessagesAreDeliveredInvalidOnesRejectedAndGarbageDeadLettered() throws Exception {
        byte[] garbage = "this is not avro \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        Map<String, String> invalid = invalidRequests();
        List<SendRequest> valid = new ArrayList<>();
        for (int i = 0; i < VALID; i++) {
            valid.add(request("ok-" + i, "reader" + i + "@" + DOMAINS[i % DOMAINS.length], r -> r));
        }

        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = stack.producer()) {
            sent.add(
                    producer.send(
                            new ProducerRecord<>(
                                    Topics.SEND_REQUESTS,
                                    "garbage".getBytes(StandardCharsets.UTF_8),
                                    garbage)));
            for (Map.Entry<String, String> e : invalid.entrySet()) {
                sent.add(producer.send(LocalStack.record(invalidRequest(e.getKey()))));
            }
            for (SendRequest r : valid) {
                sent.add(producer.send(LocalStack.record(r)));
            }
        }
        for (java.util.concurrent.Future<?> f : sent) {
            f.get();
        }

        Map<String, DeliveryEvent> finals = new HashMap<>();
        List<DeliveryEvent> all = new ArrayList<>();
        try (TopicReader events =
                new TopicReader(stack.bootstrapServers(), Topics.DELIVERY_EVENTS)) {
            events.readUntil(
                    records -> {
                        for (int i = all.size(); i < records.size(); i++) {
                            DeliveryEvent e =
                                    TopicReader.decode(records.get(i).value(), DeliveryEvent.class);
                            all.add(e);
                            if (e.getIsFinal()) {
                                assertThat(finals.put(e.getMessageId(), e))
                                        .as("second final event for %s", e.getMessageId())
                                        .isNull();
                            }
                        }
                        return finals.size() >= VALID + invalid.size();
                    },
                    Duration.ofMinutes(4));
        }

        assertThat(finals).hasSize(VALID + invalid.size());
        for (SendRequest r : valid) {
            assertThat(finals.get(r.getMessageId()).getType())
                    .as(
                            "outcome of %s: %s",
                            r.getMessageId(), finals.get(r.getMessageId()).getReason())
                    .isEqualTo(DeliveryEventType.DELIVERED);
        }
        for (Map.Entry<String, String> e : invalid.entrySet()) {
            DeliveryEvent rejected = finals.get("bad-" + e.getKey());
            assertThat(rejected.getType()).isEqualTo(DeliveryEventType.REJECTED);
            assertThat(rejected.getReason()).as(e.getKey()).startsWith(e.getValue());
        }
        DeliveryEvent delivered = finals.get("ok-0");
        assertThat(delivered.getAttempt().getReplyCode()).isEqualTo(250);
        assertThat(delivered.getAttempt().getSendingIp()).startsWith("127.0.0.1");
        assertThat(delivered.getAttempt().getMxHost()).endsWith("google.com");
        assertThat(all.stream().filter(e -> e.getType() == DeliveryEventType.ACCEPTED).count())
                .isEqualTo(VALID);

        assertReceivedExactlyOnceWithEnvelopeHeadersAndBody(valid);
        assertGarbageWasDeadLettered(garbage);
        assertThat(stack.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    private static void assertReceivedExactlyOnceWithEnvelopeHeadersAndBody(List<SendRequest> valid)
            throws Exception {
        DkimVerifier verifier =
                new DkimVerifier(
                        new DnsTxtLookup(
                                new org.xbill.DNS.SimpleResolver(stack.internet().dnsAddress())),
                        java.time.Clock.systemUTC());
        Map<String, List<ReceivedMessage>> byRecipient =
                stack.internet().servers().stream()
                        .map(MailboxServer::received)
                        .flatMap(List::stream)
                        .collect(Collectors.groupingBy(m -> m.recipients().get(0)));
        assertThat(byRecipient).hasSize(VALID);
        for (SendRequest r : valid) {
            List<ReceivedMessage> copies = byRecipient.get(r.getRecipient());
            assertThat(copies).as(r.getRecipient()).hasSize(1);
            ReceivedMessage m = copies.get(0);
            // A signed VERP return path under the tenant's bounce domain, naming this message.
            assertThat(m.mailFrom()).startsWith("b-").endsWith("@bounces.acme.example");
            assertThat(stack.inbound().returnPathOf(m.mailFrom()))
                    .hasValueSatisfying(
                            v -> {
                                assertThat(v.messageId()).isEqualTo(r.getMessageId());
                                assertThat(v.recipient()).isEqualTo(r.getRecipient());
                                assertThat(v.tenant()).isEqualTo("acme");
                            });
            assertThat(m.recipients()).containsExactly(r.getRecipient());
            // One of the shared pool's sending IPs: a healthy tenant is never quarantined (the
            // local providers complain about 0.02% of marketing mail, and their hash dice draw no
            // complaint for these 1,000 messages; at 0.1% they drew four, enough to quarantine).
            assertThat(m.clientAddress().getHostAddress()).matches("127\\.0\\.0\\.1[0-3]");
            String text = new String(m.data(), StandardCharsets.UTF_8);
            assertThat(text)
                    .contains("Message-ID: <" + r.getMessageId() + "@acme.example>")
                    .contains("Subject: Order " + r.getMessageId())
                    .contains("From: Acme <orders@acme.example>")
                    .contains("To: " + r.getRecipient())
                    .contains("X-Order: " + r.getMessageId())
                    .contains("Your order " + r.getMessageId() + " has shipped.");
            // Signed by both of the tenant's keys, verifiable from the published DNS records.
            assertThat(verifier.verify(m.data()))
                    .extracting(v -> v.status() + " " + v.selector())
                    .containsExactlyInAnyOrder("PASS sluice-rsa", "PASS sluice-ed");
        }
    }

    private static void assertGarbageWasDeadLettered(byte[] garbage) {
        try (TopicReader dlq = new TopicReader(stack.bootstrapServers(), Topics.DEAD_LETTERS)) {
            List<ConsumerRecord<byte[], byte[]>> records =
                    dlq.readUntil(r -> !r.isEmpty(), Duration.ofMinutes(1));
            assertThat(records).hasSize(1);
            DeadLetter d = TopicReader.decode(records.get(0).value(), DeadLetter.class);
            assertThat(d.getSourceTopic()).isEqualTo(Topics.SEND_REQUESTS);
            assertThat(d.getReason()).startsWith("cannot decode record");
            byte[] raw = new byte[d.getRawValue().remaining()];
            d.getRawValue().get(raw);
            assertThat(raw).isEqualTo(garbage);
        }
    }

    /** Message-id suffix to the reason code its rejection must start with. */
    private static Map<String, String> invalidRequests() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("recipient-syntax", "invalid-recipient");
        m.put("recipient-literal", "invalid-recipient");
        m.put("from-syntax", "invalid-from");
        m.put("subject-crlf", "header-injection");
        m.put("header-lf", "header-injection");
        m.put("reserved-header", "reserved-header");
        m.put("no-body", "missing-body");
        m.put("too-large", "too-large");
        // No "no-unsubscribe": the local stack runs Sluice's unsubscribe endpoint, which gives
        // marketing mail its own link (FeedbackLoopITCase); MessageValidatorTest covers the
        // rejection without one.
        m.put("http-unsubscribe", "invalid-unsubscribe-url");
        return m;
    }

    private static SendRequest invalidRequest(String kind) {
        String id = "bad-" + kind;
        return switch (kind) {
            case "recipient-syntax" -> request(id, "two@@example.com", r -> r);
            case "recipient-literal" -> request(id, "user@[127.0.0.1]", r -> r);
            case "from-syntax" ->
                    request(id, "ok@gmail.com", r -> r.setFromAddress("orders at acme"));
            case "subject-crlf" ->
                    request(id, "ok@gmail.com", r -> r.setSubject("Hi\r\nBcc: all@example.com"));
            case "header-lf" ->
                    request(id, "ok@gmail.com", r -> r.setHeaders(Map.of("X-Tag", "a\nb")));
            case "reserved-header" ->
                    request(id, "ok@gmail.com", r -> r.setHeaders(Map.of("DKIM-Signature", "v=1")));
            case "no-body" ->
                    request(id, "ok@gmail.com", r -> r.setTextBody(null).setHtmlBody(null));
            case "too-large" ->
                    request(id, "ok@gmail.com", r -> r.setTextBody("x".repeat(11 * 1024 * 1024)));
            case "http-unsubscribe" ->
                    request(id, "ok@gmail.com", r -> r.setUnsubscribeUrl("http://acme.example/u"));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static SendRequest request(
            String id, String recipient, UnaryOperator<SendRequest.Builder> change) {
        SendRequest.Builder b =
                SendRequest.newBuilder()
                        .setMessageId(id)
                        .setTenant("acme")
                        .setPriority(Priority.TRANSACTIONAL)
                        .setFromAddress("orders@acme.example")
                        .setFromName("Acme")
                        .setRecipient(recipient)
                        .setSubject("Order " + id)
                        .setHeaders(Map.of("X-Order", id))
                        .setTextBody("Your order " + id + " has shipped.")
                        .setUnsubscribeUrl("https://acme.example/u/" + id)
                        .setSubmittedAt(Instant.now());
        return change.apply(b).build();
    }
}
