package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.serde.FramedAvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;

/**
 * Every topic the processor touches, each declared once with its serdes, so that no use site builds
 * a serde of its own.
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

    public Topics(CancelProcessorConfig config) {
        Map<String, Object> serdeConfig = config.originalsWithPrefix("", false);
        Class<? extends Serde<?>> serdeClass = config.valueSerdeClass();
        commands = new Topic<>(config.commandsTopic(), valueSerde(serdeClass, CancelCommand.class, serdeConfig));
        runStates = new Topic<>(config.runStatesTopic(), valueSerde(serdeClass, RunState.class, serdeConfig));
        operators = new Topic<>(config.operatorsTopic(), valueSerde(serdeClass, OperatorGrant.class, serdeConfig));
        runStateChanges = new Topic<>(config.runStateChangesTopic(),
                valueSerde(serdeClass, RunStateChange.class, serdeConfig));
        rejections = new Topic<>(config.rejectionsTopic(), valueSerde(serdeClass, CancelRejection.class, serdeConfig));
        dlq = config.dlqTopic();
    }

    /** A topic's name and the serde of its values. */
    public record Topic<V>(String name, Serde<V> valueSerde) {
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
