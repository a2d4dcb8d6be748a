package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.config.BulkPacing;
import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.decision.BulkFilter;
import io.controlplane.cancel.serde.AvroBinarySerde;
import io.controlplane.cancel.state.BulkTaskRecord;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The bulks a task holds by state, as the gauge reads them, are known again when the task opens. */
class BulkTasksHeldTest {

    static {
        // The record nests the commands' own types, whose package the processor's topic serdes trust.
        new AvroBinarySerde<>(BulkCancelCommand.class).close();
    }

    @Test
    void aTaskOpeningOnItsStoreKnowsWhichOfItsBulksRunAndWhichArePaused() {
        Properties settings = new Properties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "bulk-tasks-held");
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(settings, new TaskId(0, 0), null);
        KeyValueStore<String, BulkTaskRecord> store = store(context, CancelStores.BULK_TASKS);
        KeyValueStore<String, byte[]> executions = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(CancelStores.EXECUTIONS), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        executions.init(context.getStateStoreContext(), executions);
        store.put("running", bulk(0, BulkState.RUNNING, null));
        store.put("waiting", bulk(1, BulkState.RUNNING, null));
        store.put("paused", bulk(2, BulkState.PAUSED, null));
        store.put("done", bulk(3, BulkState.DONE, 1_000L));
        store.put("aborted", bulk(4, BulkState.ABORTED, 1_000L));

        BulkTasks tasks = new BulkTasks(
                store,
                executions,
                new BulkPacing(10, 100, 1),
                (executionId, stored, bulk, listed, now) -> BulkFilter.Verdict.NOT_MATCHED,
                0,
                1,
                KeyPartitioner.MURMUR2,
                60_000,
                2_000);

        assertThat(tasks.held(BulkState.RUNNING)).isEqualTo(2);
        assertThat(tasks.held(BulkState.PAUSED)).isEqualTo(1);
        assertThat(tasks.held(BulkState.DONE)).isZero();
    }

    private static KeyValueStore<String, BulkTaskRecord> store(
            MockProcessorContext<Object, Object> context, String name) {
        KeyValueStore<String, BulkTaskRecord> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name),
                        Serdes.String(),
                        new AvroBinarySerde<>(BulkTaskRecord.class))
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static BulkTaskRecord bulk(long sequence, BulkState state, Long finishedAtMs) {
        return BulkTaskRecord.newBuilder()
                .setBulk(BulkCancelTopologyTest.start("bulk-" + sequence, "alice")
                        .build())
                .setState(state)
                .setSequence(sequence)
                .setFinishedAtMs(finishedAtMs)
                .build();
    }
}
