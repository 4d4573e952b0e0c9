package io.sluice.it;

import io.sluice.delivery.kafka.Topics;
import io.sluice.local.LocalStack;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.Priority;
import io.sluice.schema.SendRequest;
import io.sluice.sim.smtp.ReceivedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What the reputation scenarios share: requests, the control decisions with the time Kafka took
 * them, the final delivery events of given messages, and what a simulated provider received per
 * sending IP.
 */
final class ReputationScenarios {

    private ReputationScenarios() {}

    /** A decision as read from the control topic, with the broker's timestamp of the record. */
    record Decided(ControlEvent event, Instant writtenAt) {}

    static SendRequest request(String id, String tenant, String recipient) {
        return SendRequest.newBuilder()
                .setMessageId(id)
                .setTenant(tenant)
                .setPriority(Priority.MARKETING)
                .setFromAddress("news@" + tenant + ".example")
                .setRecipient(recipient)
                .setSubject("News for " + id)
                .setTextBody("Our news.")
                .setUnsubscribeUrl("https://" + tenant + ".example/unsubscribe")
                .setSubmittedAt(Instant.now())
                .build();
    }

    static void send(LocalStack stack, Collection<SendRequest> requests) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = stack.producer()) {
            for (SendRequest r : requests) {
                producer.send(LocalStack.record(r));
            }
            producer.flush();
        }
    }

    /** Reads the control topic until {@code done} holds for the decisions read so far. */
    static List<Decided> controlUntil(
            LocalStack stack, Predicate<List<Decided>> done, Duration timeout) {
        List<Decided> decided = new ArrayList<>();
        try (TopicReader reader =
                new TopicReader(stack.bootstrapServers(), Topics.CONTROL, "read_uncommitted")) {
            reader.readUntil(
                    records -> {
                        for (int i = decided.size(); i < records.size(); i++) {
                            ConsumerRecord<byte[], byte[]> r = records.get(i);
                            decided.add(
                                    new Decided(
                                            r.value() == null
                                                    ? null
                                                    : TopicReader.decode(
                                                            r.value(), ControlEvent.class),
                                            Instant.ofEpochMilli(r.timestamp())));
                        }
                        return done.test(decided);
                    },
                    timeout);
        }
        return decided;
    }

    /** Every decision on the control topic so far. */
    static List<Decided> control(LocalStack stack) {
        try (TopicReader reader =
                new TopicReader(stack.bootstrapServers(), Topics.CONTROL, "read_uncommitted")) {
            return reader.readToEnd(Duration.ofSeconds(30)).stream()
                    .map(
                            r ->
                                    new Decided(
                                            r.value() == null
                                                    ? null
                                                    : TopicReader.decode(
                                                            r.value(), ControlEvent.class),
                                            Instant.ofEpochMilli(r.timestamp())))
                    .toList();
        }
    }

    /** Reads delivery events until every one of {@code ids} has its final event; by message id. */
    static Map<String, DeliveryEvent> finals(
            LocalStack stack, Collection<String> ids, Duration timeout) {
        Map<String, DeliveryEvent> finals = new HashMap<>();
        try (TopicReader reader =
                new TopicReader(stack.bootstrapServers(), Topics.DELIVERY_EVENTS)) {
            int[] seen = {0};
            reader.readUntil(
                    records -> {
                        for (int i = seen[0]; i < records.size(); i++) {
                            DeliveryEvent e =
                                    TopicReader.decode(records.get(i).value(), DeliveryEvent.class);
                            if (e.getIsFinal() && ids.contains(e.getMessageId())) {
                                finals.put(e.getMessageId(), e);
                            }
                        }
                        seen[0] = records.size();
                        return finals.size() >= ids.size();
                    },
                    timeout);
        }
        return finals;
    }

    /** Messages a simulated provider accepted, by the sending IP they came from (sorted). */
    static Map<String, Long> byIp(List<ReceivedMessage> received) {
        return received.stream()
                .collect(
                        Collectors.groupingBy(
                                m -> m.clientAddress().getHostAddress(),
                                TreeMap::new,
                                Collectors.counting()));
    }

    /** The shipped reputation rules with some lines replaced, written to {@code file}. */
    static Path rulesFile(Path file, Map<String, String> replacements) throws IOException {
        String rules;
        try (InputStream in =
                ReputationScenarios.class.getResourceAsStream(
                        "/io/sluice/reputation/reputation.rules")) {
            rules = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> e : replacements.entrySet()) {
            if (!rules.contains(e.getKey())) {
                throw new IllegalStateException(
                        "the shipped rules have no line '" + e.getKey() + "' any more");
            }
            rules = rules.replace(e.getKey(), e.getValue());
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, rules);
    }

    /** Whether a decision is the reputation job's. */
    static boolean byJob(Decided d) {
        return d.event() != null && "reputation-job".equals(d.event().getIssuedBy());
    }
}
