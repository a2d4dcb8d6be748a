package io.controlplane.cancel.app;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.StreamsProperties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How topics found on Kafka differ from what {@link CancelTopic} declares, one line per difference,
 * so that an operator sees every problem at once rather than one per attempt.
 */
public final class TopicMismatches {

    private TopicMismatches() {}

    /** A topic as found on Kafka: its partition count and its effective topic configs. */
    public record ExistingTopic(int partitions, Map<String, String> configs) {}

    /**
     * @param partitions the partition count asked for
     * @param existing the declared topics that existed before, by name; any other declared topic was
     *     just created as declared, with {@code partitions} partitions
     */
    public static List<String> of(CancelProcessorConfig config, int partitions, Map<String, ExistingTopic> existing) {
        List<String> mismatches = new ArrayList<>();
        for (CancelTopic<?> topic : CancelTopic.ALL) {
            ExistingTopic found = existing.get(topic.name(config));
            if (found != null) {
                mismatches.addAll(of(topic, config, partitions, found));
            }
        }
        mismatches.addAll(coPartitioning(config, name -> {
            ExistingTopic found = existing.get(name);
            return found == null ? partitions : found.partitions();
        }));
        return mismatches;
    }

    private static List<String> of(
            CancelTopic<?> topic, CancelProcessorConfig config, int partitions, ExistingTopic found) {
        String name = topic.name(config);
        List<String> mismatches = new ArrayList<>();
        if (found.partitions() != partitions) {
            mismatches.add("Topic " + name + " has " + found.partitions() + " partitions, not " + partitions);
        }
        String cleanupPolicy = found.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (!policies(topic.cleanupPolicy()).equals(policies(cleanupPolicy))) {
            mismatches.add("Topic " + name + " has " + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + cleanupPolicy
                    + ", not " + topic.cleanupPolicy());
        }
        if (topic.takesTheLargestProducedRecord()) {
            int maxRequestSize = StreamsProperties.maxRequestSize(config.originals());
            String maxMessageBytes = found.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (maxMessageBytes == null || Long.parseLong(maxMessageBytes) < maxRequestSize) {
                mismatches.add("Topic " + name + " has " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + "="
                        + maxMessageBytes + ", less than the producer's max.request.size=" + maxRequestSize
                        + ", so a dead letter of the largest input would be refused");
            }
        }
        return mismatches;
    }

    /** The commands topic and each topic that must be co-partitioned with it, if their counts differ. */
    static List<String> coPartitioning(CancelProcessorConfig config, ToIntFunction<String> partitionsOf) {
        String commands = CancelTopic.COMMANDS.name(config);
        int commandPartitions = partitionsOf.applyAsInt(commands);
        List<String> mismatches = new ArrayList<>();
        for (CancelTopic<?> topic : CancelTopic.ALL) {
            String name = topic.name(config);
            if (topic.coPartitionedWithCommands() && partitionsOf.applyAsInt(name) != commandPartitions) {
                mismatches.add("Topics " + commands + " (" + commandPartitions + " partitions) and " + name + " ("
                        + partitionsOf.applyAsInt(name) + " partitions) must have the same partition count, "
                        + "or commands miss their run's state");
            }
        }
        return mismatches;
    }

    /** "compact,delete" and "delete, compact" are one policy. */
    private static Set<String> policies(String cleanupPolicy) {
        return cleanupPolicy == null
                ? Set.of()
                : Arrays.stream(cleanupPolicy.split(",")).map(String::trim).collect(Collectors.toSet());
    }
}
