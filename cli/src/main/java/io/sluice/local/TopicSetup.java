package io.sluice.local;

import io.sluice.delivery.kafka.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates Sluice's topics that do not exist yet; existing ones are left as they are. */
public final class TopicSetup {

    private TopicSetup() {}

    public static void ensure(String bootstrapServers, int partitions) {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    Topics.all(partitions).stream()
                            .filter(t -> !existing.contains(t.name()))
                            .map(
                                    t ->
                                            new NewTopic(t.name(), t.partitions(), (short) 1)
                                                    .configs(t.config()))
                            .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot create Sluice's topics on " + bootstrapServers, e);
        }
    }
}
