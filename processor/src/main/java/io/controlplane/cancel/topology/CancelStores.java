package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.serde.AvroBinarySerde;
import io.controlplane.cancel.state.BulkRecord;
import io.controlplane.cancel.state.BulkTaskRecord;
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

    /**
     * Everything about one execution, keyed by executionId ({@link RunRecord}, in the versioned
     * format of {@link io.controlplane.cancel.state.ExecutionRecordFormat}): the run state upstream
     * reported, this processor's own cancellation (kept for good), the commands decided on the run
     * within the dedup retention, the commands waiting for it, and what the cascade needs.
     */
    public static final String EXECUTIONS = "cancel-executions";
    /** The task's time index: which records to look at again when (DueIndex). */
    public static final String DUE = "cancel-due";
    /**
     * Decided commandIds of the commands that name no run they are keyed by (all of them invalid),
     * by (cancelledBy, commandId), for the dedup retention: segmented by time, so that old ones are
     * dropped a segment at a time, never scanned.
     */
    public static final String UNROUTED_DECIDED = "cancel-unrouted-decided";
    /** Each bulk cancel as a whole, by bulkId (BulkCommandProcessor), on the bulk topic's tasks. */
    public static final String BULKS = "cancel-bulks";
    /** Each bulk cancel on one task, by bulkId: its position and counts (BulkTasks). */
    public static final String BULK_TASKS = "cancel-bulk-tasks";
    /** Operator grants by actorId, global: grants are not partitioned like executions. */
    public static final String OPERATOR_GRANTS = "cancel-operator-grants";

    private CancelStores() {}

    /** The stores of the one processor, in one sub-topology. */
    public static List<StoreBuilder<?>> partitioned() {
        return List.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(EXECUTIONS), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE), Serdes.Bytes(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(UNROUTED_DECIDED), Serdes.String(), Serdes.Long()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(BULK_TASKS),
                        Serdes.String(),
                        new AvroBinarySerde<>(BulkTaskRecord.class)));
    }

    public static String[] partitionedNames() {
        return new String[] {EXECUTIONS, DUE, UNROUTED_DECIDED, BULK_TASKS};
    }

    /** The store of the bulk cancels as a whole, in the sub-topology of the bulk topic. */
    public static StoreBuilder<KeyValueStore<String, BulkRecord>> bulks() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(BULKS), Serdes.String(), new AvroBinarySerde<>(BulkRecord.class));
    }

    /**
     * Run states and cancellations were kept, and cancellations sent on the cascade topics, before their
     * appended fields were added (parentExecutionId, then deadlineAt; cascadedFrom, then bulkId, then
     * escalated): a value written by an earlier version reads on after an upgrade.
     */
    static AvroBinarySerde<RunState> runStateSerde() {
        return AvroBinarySerde.readingAlsoBefore(RunState.class, "parentExecutionId", "deadlineAt");
    }

    static AvroBinarySerde<RunStateChange> cancellationSerde() {
        return AvroBinarySerde.readingAlsoBefore(RunStateChange.class, "cascadedFrom", "bulkId", "escalated");
    }

    /** Grant records as they came (see GrantDecoder); global stores are rebuilt from their topic, never logged. */
    public static StoreBuilder<KeyValueStore<String, byte[]>> grants() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(OPERATOR_GRANTS), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled();
    }
}
