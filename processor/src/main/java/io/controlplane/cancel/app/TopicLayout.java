package io.controlplane.cancel.app;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The declared topics ({@link CancelTopic}) as they are created: all with one partition count, so
 * that the co-partitioned ones match whatever the count, each with its declared topic configs.
 */
public final class TopicLayout {

    private TopicLayout() {}

    /** With the broker's default replication factor. */
    public static List<NewTopic> topics(CancelProcessorConfig config, int partitions) {
        return topics(config, partitions, Optional.empty());
    }

    /** @param replicationFactor empty for the broker's default */
    public static List<NewTopic> topics(
            CancelProcessorConfig config, int partitions, Optional<Short> replicationFactor) {
        return CancelTopic.ALL.stream()
                .map(topic -> new NewTopic(topic.name(config), Optional.of(partitions), replicationFactor)
                        .configs(config.topicConfigs(topic)))
                .toList();
    }

    public static List<String> names(CancelProcessorConfig config) {
        return CancelTopic.ALL.stream().map(topic -> topic.name(config)).toList();
    }

    /** Creates whichever of the topics do not exist yet. */
    public static void create(Admin admin, CancelProcessorConfig config, int partitions)
            throws InterruptedException, ExecutionException {
        for (NewTopic topic : topics(config, partitions)) {
            try {
                admin.createTopics(List.of(topic)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }
}
