package io.controlplane.cancel.topology;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the processor's own internal topics ({@link CascadeTopic}, {@link BulkTopic}) are declared: as
 * many partitions as the input topics, deleted by age, and kept a week, since their records are
 * consumed within moments but a processor stopped for a while must still find them.
 */
final class InternalTopics {

    private static final String RETENTION_MS = String.valueOf(7L * 24 * 60 * 60 * 1000);

    private InternalTopics() {}

    static NewTopic declaration(String name, int partitions, Optional<Short> replicationFactor) {
        return new NewTopic(name, Optional.of(partitions), replicationFactor)
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG,
                        RETENTION_MS));
    }
}
