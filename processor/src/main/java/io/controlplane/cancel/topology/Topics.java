package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.serde.FramedAvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The topics the processor touches, as {@link CancelTopic} declares them, each with its serdes, so
 * that no use site builds a serde of its own.
 */
public final class Topics {

    /** Keys are executionIds (actorIds for grants) as plain UTF-8 strings. */
    public static final Serde<String> KEY_SERDE = Serdes.String();

    public final Topic<CancelCommand> commands;
    public final Topic<RunState> runStates;
    public final Topic<OperatorGrant> operators;
    public final Topic<RunStateChange> runStateChanges;
    public final Topic<CancelRejection> rejections;
    public final String dlq;
    public final Topic<BulkCancelCommand> bulk;
    public final Topic<BulkCancelProgress> bulkProgress;
    /** The application.id, which Kafka Streams' internal topics and the cascade topic are named after. */
    public final String applicationId;
    /** The cascade's internal topic (CascadeTopic). */
    public final String cascade;
    /** The internal topic that takes accepted bulk cancels to every task (BulkTopic). */
    public final String bulkTasks;

    public Topics(CancelProcessorConfig config) {
        Map<String, Object> serdeConfig = config.originalsWithPrefix("", false);
        Class<? extends Serde<?>> serdeClass = config.valueSerdeClass();
        commands = topic(CancelTopic.COMMANDS, config, serdeClass, serdeConfig);
        runStates = topic(CancelTopic.RUN_STATES, config, serdeClass, serdeConfig);
        operators = topic(CancelTopic.OPERATORS, config, serdeClass, serdeConfig);
        runStateChanges = topic(CancelTopic.RUN_STATE_CHANGES, config, serdeClass, serdeConfig);
        rejections = topic(CancelTopic.REJECTIONS, config, serdeClass, serdeConfig);
        dlq = CancelTopic.DLQ.name(config);
        bulk = topic(CancelTopic.BULK, config, serdeClass, serdeConfig);
        bulkProgress = topic(CancelTopic.BULK_PROGRESS, config, serdeClass, serdeConfig);
        applicationId =
                String.valueOf(StreamsProperties.from(config.originals()).get(StreamsConfig.APPLICATION_ID_CONFIG));
        cascade = CascadeTopic.name(applicationId);
        bulkTasks = BulkTopic.name(applicationId);
    }

    /** A topic's name and the serde of its values. */
    public record Topic<V>(String name, Serde<V> valueSerde) {}

    private static <V extends SpecificRecord> Topic<V> topic(
            CancelTopic<V> declared,
            CancelProcessorConfig config,
            Class<? extends Serde<?>> serdeClass,
            Map<String, Object> serdeConfig) {
        return new Topic<>(declared.name(config), valueSerde(serdeClass, declared.valueType(), serdeConfig));
    }

    /**
     * Our own serde is told the record class, so a record of another type is refused at decoding
     * (and goes to the dead-letter queue); a plug-in serde such as Confluent's finds the class itself.
     */
    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> Serde<V> valueSerde(
            Class<? extends Serde<?>> serdeClass, Class<V> type, Map<String, Object> serdeConfig) {
        Serde<V> serde = serdeClass.equals(FramedAvroSerde.class)
                ? new FramedAvroSerde<>(type)
                : (Serde<V>) Utils.newInstance(serdeClass);
        serde.configure(serdeConfig, false);
        return serde;
    }
}
