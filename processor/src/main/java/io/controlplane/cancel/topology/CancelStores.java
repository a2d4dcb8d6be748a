package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.serde.AvroBinarySerde;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's own state. Every store is persistent and changelogged, so all of it, waiting
 * commands included, comes back after a restart or on another instance.
 */
public final class CancelStores {

    /** Run states as upstream reported them, after the version and terminal-state rules. */
    public static final String RUN_STATES = "cancel-run-states";
    /** This processor's own cancellations, by executionId, kept forever: at most one per execution, ever. */
    public static final String CANCELLATIONS = "cancel-cancellations";
    /** Decided commandIds, for the dedup retention. */
    public static final String DECIDED_COMMANDS = "cancel-decided-commands";
    /** Commands waiting for their run's state, by executionId + commandId. */
    public static final String WAITING_COMMANDS = "cancel-waiting-commands";
    /** The same waiting commands ordered by deadline, so that expiry reads only what expired. */
    public static final String WAITING_DEADLINES = "cancel-waiting-deadlines";
    /**
     * Cascade only: which children name each parent, keyed parent U+0000 child (ids hold no control
     * character, so the key is unambiguous and a prefix scan finds one parent's children). Lives on
     * the parent's task, from the child's first state on: what cascading costs.
     */
    public static final String CHILDREN = "cancel-children";
    /**
     * Cascade only: the descendants a cascade passed through without cancelling them (ended, or in
     * another tenant), keyed descendant U+0000 tenant, each with the cancellation it carried: so a
     * tenant's cascade passes each run once (cycles end), and a child linked later still gets it.
     */
    public static final String CASCADE_PASSED = "cancel-cascade-passed";
    /** Operator grants by actorId, global: grants are not partitioned like executions. */
    public static final String OPERATOR_GRANTS = "cancel-operator-grants";

    private CancelStores() {}

    /** The stores that the command and run-state processors share, in one sub-topology. */
    public static List<StoreBuilder<?>> partitioned(Duration dedupRetention) {
        return List.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RUN_STATES), Serdes.String(), runStateSerde()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CANCELLATIONS), Serdes.String(), cancellationSerde()),
                // Segmented by time: old decisions are dropped a segment at a time, never scanned.
                Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(DECIDED_COMMANDS, dedupRetention, dedupRetention, false),
                        Serdes.String(),
                        Serdes.Long()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(WAITING_COMMANDS),
                        Serdes.String(),
                        new AvroBinarySerde<>(CancelCommand.class)),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(WAITING_DEADLINES), Serdes.Bytes(), Serdes.ByteArray()));
    }

    /** The stores only the cascade uses, in the same sub-topology (its processors share the run states). */
    public static List<StoreBuilder<?>> cascade() {
        return List.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CHILDREN), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CASCADE_PASSED), Serdes.String(), cancellationSerde()));
    }

    /**
     * Run states and cancellations were kept before their last field was added (parentExecutionId,
     * cascadedFrom): a store written by the previous version reads on after an upgrade.
     */
    static AvroBinarySerde<RunState> runStateSerde() {
        return AvroBinarySerde.readingAlsoBefore(RunState.class, "parentExecutionId");
    }

    static AvroBinarySerde<RunStateChange> cancellationSerde() {
        return AvroBinarySerde.readingAlsoBefore(RunStateChange.class, "cascadedFrom");
    }

    /** Grant records as they came (see GrantDecoder); global stores are rebuilt from their topic, never logged. */
    public static StoreBuilder<KeyValueStore<String, byte[]>> grants() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(OPERATOR_GRANTS), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled();
    }

    public static String[] partitionedNames() {
        return new String[] {RUN_STATES, CANCELLATIONS, DECIDED_COMMANDS, WAITING_COMMANDS, WAITING_DEADLINES};
    }
}
