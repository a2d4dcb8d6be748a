package io.controlplane.cancel.topology;

import io.controlplane.cancel.config.KeyPartitioner;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Places a re-keyed command on the partition the upstream producers' partitioner gives its
 * executionId, which is where that run's state is: Kafka Streams' default would always use murmur2.
 */
public final class ExecutionPartitioner<V> implements StreamPartitioner<String, V> {

    private final KeyPartitioner partitioner;

    public ExecutionPartitioner(KeyPartitioner partitioner) {
        this.partitioner = partitioner;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String executionId, V value, int numPartitions) {
        if (executionId == null) {
            return Optional.empty();
        }
        return Optional.of(Set.of(
                partitioner.partition(Topics.KEY_SERDE.serializer().serialize(topic, executionId), numPartitions)));
    }
}
