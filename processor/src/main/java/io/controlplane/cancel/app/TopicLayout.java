package io.controlplane.cancel.app;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics the processor reads and writes, as they should be created: the run-state and grant
 * topics compacted (only the latest value per key matters), all with the same partition count so
 * that commands and run states of one execution meet in one task, and the dead-letter topic taking
 * records larger than the input topics do, since a dead letter is an input record plus error headers.
 */
public final class TopicLayout {

    private TopicLayout() {
    }

    public static List<NewTopic> topics(CancelProcessorConfig config, int partitions) {
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        Map<String, String> deadLetters = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                String.valueOf(StreamsProperties.MAX_PRODUCED_RECORD_BYTES));
        return List.of(
                topic(config.commandsTopic(), partitions, Map.of()),
                topic(config.runStatesTopic(), partitions, compacted),
                topic(config.operatorsTopic(), partitions, compacted),
                topic(config.runStateChangesTopic(), partitions, Map.of()),
                topic(config.rejectionsTopic(), partitions, Map.of()),
                topic(config.dlqTopic(), partitions, deadLetters));
    }

    public static List<String> names(CancelProcessorConfig config) {
        return topics(config, 1).stream().map(NewTopic::name).toList();
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

    private static NewTopic topic(String name, int partitions, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    }
}
