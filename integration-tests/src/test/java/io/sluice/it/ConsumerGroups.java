package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What a job's consumer group has committed, read as an operator would with the admin client. */
final class ConsumerGroups {

    private ConsumerGroups() {}

    /**
     * Waits until {@code group} has committed its offsets of {@code topic} up to the topic's
     * current end. A Flink Kafka source commits on a completed checkpoint, and a checkpoint
     * completes only after every record before its barrier went through every operator (and the
     * at-least-once sinks flushed): so everything on the topic now has been processed.
     */
    static void awaitCommitted(String bootstrap, String group, String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<TopicPartition> partitions =
                    admin
                            .describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            Map<TopicPartition, Long> end =
                    admin
                            .listOffsets(
                                    partitions.stream()
                                            .collect(
                                                    Collectors.toMap(
                                                            tp -> tp, tp -> OffsetSpec.latest())))
                            .all()
                            .get()
                            .entrySet()
                            .stream()
                            .collect(
                                    Collectors.toMap(
                                            Map.Entry::getKey, e -> e.getValue().offset()));
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                boolean done =
                        end.entrySet().stream()
                                .allMatch(
                                        e ->
                                                e.getValue() == 0
                                                        || (committed.get(e.getKey()) != null
                                                                && committed
                                                                                .get(e.getKey())
                                                                                .offset()
                                                                        >= e.getValue()));
                if (done) {
                    return;
                }
                assertThat(Instant.now())
                        .as(group + " processed " + topic + " in time")
                        .isBefore(deadline);
                Thread.sleep(200);
            }
        }
    }
}
