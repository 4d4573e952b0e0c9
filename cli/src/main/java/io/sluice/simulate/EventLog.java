package io.sluice.simulate;

import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.delivery.kafka.Topics;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.DeliveryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What Sluice said during a run: its committed delivery events and the control decisions, read from
 * the topics as a user's consumer would. The report charts them; the summary line does not count on
 * them (it counts the providers' ground truth), except to tell a lost message: one that never got a
 * final event. Not thread-safe: one thread polls.
 */
final class EventLog implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> ids;
    final List<DeliveryEvent> events = new ArrayList<>();
    final List<ControlEvent> controls = new ArrayList<>();
    final Map<String, DeliveryEvent> finals = new HashMap<>();
    long duplicateFinals;

    EventLog(String bootstrapServers, Set<String> ids) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.DELIVERY_EVENTS, Topics.CONTROL)) {
            consumer.partitionsFor(topic)
                    .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.ids = ids;
    }

    void poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            try {
                if (r.topic().equals(Topics.CONTROL)) {
                    controls.add(
                            SendRequestCodec.decode(
                                    r.value(),
                                    ControlEvent.class,
                                    ControlEvent.getClassSchema(),
                                    null));
                    continue;
                }
                DeliveryEvent e =
                        SendRequestCodec.decode(
                                r.value(),
                                DeliveryEvent.class,
                                DeliveryEvent.getClassSchema(),
                                null);
                if (!ids.contains(e.getMessageId())) {
                    continue;
                }
                events.add(e);
                if (e.getIsFinal() && finals.putIfAbsent(e.getMessageId(), e) != null) {
                    duplicateFinals++;
                }
            } catch (Exception ex) {
                // Not an event of this version: not this run's.
            }
        }
    }

    boolean complete() {
        return finals.size() == ids.size();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
