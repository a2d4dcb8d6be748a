package io.controlplane.cancel.http;

import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.state.ExecutionRecord;
import io.controlplane.cancel.state.ExecutionRecordFormat;
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
            metadata = streams.queryMetadataForKey(CancelStores.EXECUTIONS, executionId, partitioner);
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
        ReadOnlyKeyValueStore<String, byte[]> executions = streams.store(StoreQueryParameters.fromNameAndType(
                        CancelStores.EXECUTIONS, QueryableStoreTypes.<String, byte[]>keyValueStore())
                .withPartition(partition));
        byte[] stored = executions.get(executionId);
        if (stored == null) {
            return new Execution(null, null);
        }
        ExecutionRecord record = new ExecutionRecordFormat().decode(stored);
        return new Execution(record.getUpstream(), record.getCancellation());
    }

    /**
     * Commands waiting in this instance's tasks, from the size of the time index each task keeps
     * (CancelStores.DUE), as RocksDB estimates it (reading that costs no scan). An estimate: the index
     * also holds, for a while, the runs kept only for their decided commands. NaN while Kafka Streams
     * is not running.
     */
    double approximateWaitingCommands() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Double.NaN;
        }
        try {
            return streams.store(
                            StoreQueryParameters.fromNameAndType(CancelStores.DUE, QueryableStoreTypes.keyValueStore()))
                    .approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return 0; // no task of this instance holds the store
        }
    }
}
