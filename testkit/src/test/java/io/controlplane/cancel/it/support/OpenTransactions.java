package io.controlplane.cancel.it.support;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * For a failing test's message: which partitions a read_committed reader is held back on (their end
 * above their last stable offset), and the transactions open there (KIP-664's describeProducers). A
 * running processor always has one open for a moment; one open for many seconds is a hanging one.
 */
public final class OpenTransactions {

    private OpenTransactions() {}

    /** One line; never throws (it is called while a test is already failing). */
    public static String on(Admin admin, Collection<TopicPartition> partitions) {
        try {
            Map<TopicPartition, Long> ends = PartitionEnds.of(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
            Map<TopicPartition, Long> stable = PartitionEnds.committed(admin, partitions);
            List<TopicPartition> heldBack = partitions.stream()
                    .filter(partition -> stable.get(partition) < ends.get(partition))
                    .sorted(Comparator.comparing(TopicPartition::toString))
                    .toList();
            if (heldBack.isEmpty()) {
                return "no partition held back by an open transaction";
            }
            var producers = admin.describeProducers(heldBack).all().get(30, TimeUnit.SECONDS);
            return heldBack.stream()
                    .map(partition -> partition + " end " + ends.get(partition) + " stable " + stable.get(partition)
                            + " open "
                            + producers.get(partition).activeProducers().stream()
                                    .filter(producer -> producer.currentTransactionStartOffset()
                                            .isPresent())
                                    .map(OpenTransactions::describe)
                                    .toList())
                    .collect(Collectors.joining("; "));
        } catch (Exception e) {
            return "(open transactions not known: " + e + ")";
        }
    }

    private static String describe(ProducerState producer) {
        return "producer " + producer.producerId() + " epoch " + producer.producerEpoch() + " from offset "
                + producer.currentTransactionStartOffset().getAsLong() + ", last written "
                + Instant.ofEpochMilli(producer.lastTimestamp());
    }
}
