package io.controlplane.cancel.it.support;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Where partitions end, asked of the broker: for a read_committed reader, or for any. */
public final class PartitionEnds {

    private PartitionEnds() {}

    /** The last stable offsets: a read_committed reader that has reached them has read every committed record. */
    public static Map<TopicPartition, Long> committed(Admin admin, Collection<TopicPartition> partitions)
            throws Exception {
        return of(admin, partitions, IsolationLevel.READ_COMMITTED);
    }

    /** The end offsets as a reader of {@code isolation} sees them. */
    public static Map<TopicPartition, Long> of(
            Admin admin, Collection<TopicPartition> partitions, IsolationLevel isolation) throws Exception {
        return admin
                .listOffsets(
                        partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())),
                        new ListOffsetsOptions(isolation))
                .all()
                .get(30, TimeUnit.SECONDS)
                .entrySet()
                .stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, end -> end.getValue().offset()));
    }
}
