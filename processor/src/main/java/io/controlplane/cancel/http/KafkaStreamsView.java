package io.controlplane.cancel.http;

import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.state.BulkTaskRecord;
import io.controlplane.cancel.state.ExecutionRecord;
import io.controlplane.cancel.state.ExecutionRecordFormat;
import io.controlplane.cancel.topology.CancelStores;
import io.controlplane.cancel.topology.ExecutionPartitioner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Interactive queries on the running instance: read-only, and only of this instance's own tasks. */
final class KafkaStreamsView implements StreamsView {

    private final KafkaStreams streams;
    private final HostInfo self;
    private final ExecutionPartitioner<Object> partitioner;
    private final String runStatesTopic;
    private final int inputPartitions;

    /**
     * @param partitioner as cancel.partitioner says: the partition of a key is the one upstream wrote it to
     * @param runStatesTopic an input topic of the tasks that keep the executions and their bulks: a task
     *     reading its partition p holds partition p of their stores
     * @param inputPartitions how many partitions the input topics have
     */
    KafkaStreamsView(
            KafkaStreams streams,
            HostInfo self,
            KeyPartitioner partitioner,
            String runStatesTopic,
            int inputPartitions) {
        this.streams = streams;
        this.self = self;
        this.partitioner = new ExecutionPartitioner<>(partitioner);
        this.runStatesTopic = runStatesTopic;
        this.inputPartitions = inputPartitions;
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
        return new Execution(
                record.getUpstream(),
                record.getCancellation(),
                record.getCancelling(),
                record.getHeld(),
                record.getWaiting());
    }

    @Override
    public int inputPartitions() {
        return inputPartitions;
    }

    @Override
    public Map<HostInfo, Set<Integer>> partitionsByInstance() {
        Map<HostInfo, Set<Integer>> held = new HashMap<>();
        try {
            for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
                held.put(instance.hostInfo(), partitionsOf(instance.topicPartitions()));
            }
        } catch (IllegalStateException e) {
            throw new InvalidStateStoreException("Kafka Streams is " + streams.state() + ": " + e.getMessage());
        }
        return held;
    }

    @Override
    public List<BulkSummary.Partition> bulk(String bulkId) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new InvalidStateStoreException("Kafka Streams is " + state + ", not RUNNING");
        }
        Set<Integer> active = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                active.addAll(partitionsOf(task.topicPartitions()));
            }
        }
        String servedBy = self.host() + ":" + self.port();
        List<BulkSummary.Partition> shares = new ArrayList<>();
        // partition by partition: the store of all local tasks would answer with the first task's record only
        for (int partition : active) {
            ReadOnlyKeyValueStore<String, BulkTaskRecord> store = streams.store(StoreQueryParameters.fromNameAndType(
                            CancelStores.BULK_TASKS, QueryableStoreTypes.<String, BulkTaskRecord>keyValueStore())
                    .withPartition(partition));
            BulkTaskRecord bulk = store.get(bulkId);
            if (bulk != null) {
                shares.add(BulkSummary.Partition.of(partition, bulk, servedBy));
            }
        }
        return shares;
    }

    /** The partitions of the run-states topic among {@code partitions}: those of the executions' tasks. */
    private Set<Integer> partitionsOf(Set<TopicPartition> partitions) {
        Set<Integer> ours = new TreeSet<>();
        for (TopicPartition partition : partitions) {
            if (partition.topic().equals(runStatesTopic)) {
                ours.add(partition.partition());
            }
        }
        return ours;
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
