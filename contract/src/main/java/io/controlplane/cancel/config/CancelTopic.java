package io.controlplane.cancel.config;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The one declaration of the topics the processor reads and writes: each topic's setting and default
 * name, direction, value type and how it must be laid out on Kafka. The settings ({@code
 * CancelProcessorConfig}), the serdes ({@code topology.Topics}), the topics that {@code create-topics}
 * creates and the start-up checks are all derived from this list, so a topic is added here and
 * nowhere else.
 *
 * @param <V> the type of the topic's values
 */
public final class CancelTopic<V> {

    /** Whether the processor reads the topic or writes it. */
    public enum Direction {
        IN,
        OUT
    }

    public static final CancelTopic<CancelCommand> COMMANDS = new CancelTopic<>(
                    "cancel.topic.commands",
                    "controlplane.execution.cancel.commands",
                    Direction.IN,
                    CancelCommand.class,
                    "Cancel commands, keyed by executionId (or unkeyed).")
            .coPartitioned();
    public static final CancelTopic<RunState> RUN_STATES = new CancelTopic<>(
                    "cancel.topic.run-states",
                    "controlplane.execution.run-states",
                    Direction.IN,
                    RunState.class,
                    "Current run states, compacted, keyed by executionId.")
            .compacted()
            .coPartitioned();
    public static final CancelTopic<OperatorGrant> OPERATORS = new CancelTopic<>(
                    "cancel.topic.operators",
                    "controlplane.operators",
                    Direction.IN,
                    OperatorGrant.class,
                    "Operator grants, compacted, keyed by actorId.")
            .compacted();
    public static final CancelTopic<RunStateChange> RUN_STATE_CHANGES = new CancelTopic<>(
            "cancel.topic.run-state-changes",
            "controlplane.execution.run-state-changes",
            Direction.OUT,
            RunStateChange.class,
            "Output: one CANCELLED terminal-state record per cancelled execution.");
    public static final CancelTopic<CancelRejection> REJECTIONS = new CancelTopic<>(
            "cancel.topic.rejections",
            "controlplane.execution.cancel.rejections",
            Direction.OUT,
            CancelRejection.class,
            "Output: why a command was not carried out.");
    /** Dead letters are input records as they came, bytes, written by Kafka Streams itself. */
    public static final CancelTopic<byte[]> DLQ = new CancelTopic<>(
                    "cancel.topic.dlq",
                    "controlplane.execution.cancel.dlq",
                    Direction.OUT,
                    byte[].class,
                    "Output: input records that could not be decoded or processed at all.")
            .takingTheLargestProducedRecord();

    /** Keyed by bulkId, which says nothing of where the runs are: any partition count will do. */
    public static final CancelTopic<BulkCancelCommand> BULK = new CancelTopic<>(
            "cancel.topic.bulk",
            "controlplane.execution.cancel.bulk",
            Direction.IN,
            BulkCancelCommand.class,
            "Bulk cancel commands (start, pause, resume, abort), keyed by bulkId.");

    public static final CancelTopic<BulkCancelProgress> BULK_PROGRESS = new CancelTopic<>(
            "cancel.topic.bulk-progress",
            "controlplane.execution.cancel.bulk-progress",
            Direction.OUT,
            BulkCancelProgress.class,
            "Output: how far each bulk cancel has come, per partition, keyed by bulkId.");

    /** Every topic, the commands first. */
    public static final List<CancelTopic<?>> ALL =
            List.of(COMMANDS, RUN_STATES, OPERATORS, RUN_STATE_CHANGES, REJECTIONS, DLQ, BULK, BULK_PROGRESS);

    private final String configKey;
    private final String defaultName;
    private final Direction direction;
    private final Class<V> valueType;
    private final String description;
    private final String cleanupPolicy;
    private final boolean coPartitioned;
    private final boolean takesTheLargestProducedRecord;

    private CancelTopic(
            String configKey, String defaultName, Direction direction, Class<V> valueType, String description) {
        this(
                configKey,
                defaultName,
                direction,
                valueType,
                description,
                TopicConfig.CLEANUP_POLICY_DELETE,
                false,
                false);
    }

    private CancelTopic(
            String configKey,
            String defaultName,
            Direction direction,
            Class<V> valueType,
            String description,
            String cleanupPolicy,
            boolean coPartitioned,
            boolean takesTheLargestProducedRecord) {
        this.configKey = configKey;
        this.defaultName = defaultName;
        this.direction = direction;
        this.valueType = valueType;
        this.description = description;
        this.cleanupPolicy = cleanupPolicy;
        this.coPartitioned = coPartitioned;
        this.takesTheLargestProducedRecord = takesTheLargestProducedRecord;
    }

    /** Only the latest value per key matters, so older ones are compacted away rather than deleted by age. */
    private CancelTopic<V> compacted() {
        return new CancelTopic<>(
                configKey,
                defaultName,
                direction,
                valueType,
                description,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                coPartitioned,
                takesTheLargestProducedRecord);
    }

    /**
     * Must have the commands topic's partition count: a command and its run's state meet only in the
     * task that reads the same partition number of both.
     */
    private CancelTopic<V> coPartitioned() {
        return new CancelTopic<>(
                configKey,
                defaultName,
                direction,
                valueType,
                description,
                cleanupPolicy,
                true,
                takesTheLargestProducedRecord);
    }

    /**
     * Must take records as large as the processor's producer may send: a dead letter is an input
     * record plus error headers, and under exactly_once_v2 a refused one fails the same input again.
     */
    private CancelTopic<V> takingTheLargestProducedRecord() {
        return new CancelTopic<>(
                configKey, defaultName, direction, valueType, description, cleanupPolicy, coPartitioned, true);
    }

    /** The setting that names the topic. */
    public String configKey() {
        return configKey;
    }

    public String defaultName() {
        return defaultName;
    }

    public String description() {
        return description;
    }

    public Direction direction() {
        return direction;
    }

    public Class<V> valueType() {
        return valueType;
    }

    /** {@code compact} or {@code delete}. */
    public String cleanupPolicy() {
        return cleanupPolicy;
    }

    public boolean coPartitionedWithCommands() {
        return coPartitioned;
    }

    public boolean takesTheLargestProducedRecord() {
        return takesTheLargestProducedRecord;
    }

    /** The topic's name as configured. */
    public String name(AbstractConfig config) {
        return config.getString(configKey);
    }

    /**
     * The topic configs it is created with: its cleanup policy, and for a topic that takes the largest
     * produced record a {@code max.message.bytes} of {@code largestProducedRecord}, the producer's
     * {@code max.request.size}.
     */
    public Map<String, String> topicConfigs(int largestProducedRecord) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
        if (takesTheLargestProducedRecord) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(largestProducedRecord));
        }
        return configs;
    }

    @Override
    public String toString() {
        return configKey;
    }
}
