package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.state.ExecutionRecord;
import io.controlplane.cancel.state.ExecutionRecordFormat;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** What a test driver's processor holds about executions, read from its store as the processor reads it. */
final class HeldExecutions {

    private final KeyValueStore<String, byte[]> store;
    private final ExecutionRecordFormat format = new ExecutionRecordFormat();

    HeldExecutions(TopologyTestDriver driver) {
        store = driver.getKeyValueStore(CancelStores.EXECUTIONS);
    }

    /** The execution's record, or null. */
    ExecutionRecord record(String executionId) {
        byte[] stored = store.get(executionId);
        return stored == null ? null : format.decode(stored);
    }

    /** The run state upstream reported, as held, or null. */
    RunState upstream(String executionId) {
        ExecutionRecord record = record(executionId);
        return record == null ? null : record.getUpstream();
    }

    /** Commands waiting for their run, over every execution. */
    int waitingCommands() {
        int waiting = 0;
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                waiting += format.decode(all.next().value).getWaiting().size();
            }
        }
        return waiting;
    }

    /** Commands held until their notBefore, over every execution. */
    int heldCommands() {
        int held = 0;
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                held += format.decode(all.next().value).getHeld().size();
            }
        }
        return held;
    }
}
