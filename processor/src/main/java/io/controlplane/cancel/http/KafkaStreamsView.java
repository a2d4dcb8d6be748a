package io.controlplane.cancel.http;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.topology.CancelStores;
import io.controlplane.cancel.topology.ExecutionPartitioner;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Interactive queries on the running instance: read-only, and only of this instance's own tasks. */
final class KafkaStreamsView implements StreamsView {

    private final KafkaStreams streams;
    private final HostInfo self;
    private final ExecutionPartitioner<Object> partitioner;

    /** @param partitioner as cancel.partitioner says: the partition of a key is the one upstream wrote it to */
    KafkaStreamsView(KafkaStreams streams, HostInfo self, KeyPartitioner partitioner) {
        this.streams = streams;
        this.self = self;
        this.partitioner = new ExecutionPartitioner<>(partitioner);
    }

    @Override
    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public HostInfo self() {
        return self;
    }

    @Override
    public Optional<Owner> owner(String executionId) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(CancelStores.RUN_STATES, executionId, partitioner);
        } catch (IllegalStateException | InvalidStateStoreException e) {
            return Optional.empty(); // not started yet, or shutting down
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost() == null) {
            return Optional.empty();
        }
        return Optional.of(new Owner(metadata.activeHost(), metadata.partition()));
    }

    @Override
    public Execution execution(String executionId, int partition) {
        ReadOnlyKeyValueStore<String, RunState> runs = streams.store(StoreQueryParameters.fromNameAndType(
                        CancelStores.RUN_STATES, QueryableStoreTypes.<String, RunState>keyValueStore())
                .withPartition(partition));
        ReadOnlyKeyValueStore<String, RunStateChange> cancellations =
                streams.store(StoreQueryParameters.fromNameAndType(
                                CancelStores.CANCELLATIONS, QueryableStoreTypes.<String, RunStateChange>keyValueStore())
                        .withPartition(partition));
        return new Execution(runs.get(executionId), cancellations.get(executionId));
    }

    /**
     * Commands waiting in this instance's tasks, from each store's own estimate of its size (RocksDB
     * keeps one: reading it costs no scan); NaN while Kafka Streams is not running.
     */
    double approximateWaitingCommands() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Double.NaN;
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(
                            CancelStores.WAITING_COMMANDS, QueryableStoreTypes.keyValueStore()))
                    .approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return 0; // no task of this instance holds the store
        }
    }
}
