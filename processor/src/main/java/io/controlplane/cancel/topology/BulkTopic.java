package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.serde.AvroBinarySerde;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The internal topic that takes an accepted bulk cancel (or its pause, resume, abort) to every task
 * that holds runs, {@code <application.id>-cancel-bulk-tasks}: declared, created at start-up and
 * read like {@link CascadeTopic}, with as many partitions as the input topics. Each record is sent
 * to all of its partitions at once (a multicast partitioner, KIP-837), keyed by bulkId, its value the
 * command in plain Avro binary.
 */
public final class BulkTopic {

    static final String SUFFIX = "-cancel-bulk-tasks";

    private BulkTopic() {}

    public static String name(String applicationId) {
        return applicationId + SUFFIX;
    }

    public static NewTopic declaration(String applicationId, int partitions, Optional<Short> replicationFactor) {
        return InternalTopics.declaration(name(applicationId), partitions, replicationFactor);
    }

    static AvroBinarySerde<BulkCancelCommand> serde() {
        return new AvroBinarySerde<>(BulkCancelCommand.class);
    }

    /** Every partition: each task cancels the matching runs it holds. */
    static StreamPartitioner<String, BulkCancelCommand> everyPartition() {
        return new StreamPartitioner<>() {
            @Override
            public Optional<Set<Integer>> partitions(
                    String topic, String bulkId, BulkCancelCommand command, int numPartitions) {
                return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
            }
        };
    }
}
