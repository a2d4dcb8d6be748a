package io.controlplane.cancel.client;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group's offsets of the records a listener has handled, and their commits: asynchronously after
 * each batch (the loop goes on; a later commit covers one that failed), synchronously when partitions
 * are revoked and when the subscription closes, so that whoever reads the partitions next starts where
 * this member stopped. Used by the poll thread only (Kafka calls the rebalance callbacks in poll).
 */
final class HandledOffsets implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(RunStateChanges.class);

    private final Consumer<?, ?> consumer;
    private final Duration commitTimeout;
    private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    private boolean uncommitted;

    HandledOffsets(Consumer<?, ?> consumer, Duration commitTimeout) {
        this.consumer = consumer;
        this.commitTimeout = commitTimeout;
    }

    /** The listener returned for {@code record} (or the record was skipped): the next one is where to start. */
    void handled(ConsumerRecord<?, ?> record) {
        handled.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        uncommitted = true;
    }

    /** After a batch: commits what was handled, without waiting for Kafka's answer. */
    void commitAsync() {
        if (uncommitted) {
            consumer.commitAsync(Map.copyOf(handled), (offsets, failure) -> {
                if (failure != null) {
                    LOG.debug(
                            "Committing handled offsets failed ({}); the next commit covers them", failure.getClass());
                }
            });
            uncommitted = false;
        }
    }

    /** Before the consumer closes: commits everything handled, waiting at most {@code timeout}. */
    void commitSync(Duration timeout) {
        commitSync(Map.copyOf(handled), timeout);
        uncommitted = false;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> revoked = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = handled.remove(partition);
            if (offset != null) {
                revoked.put(partition, offset);
            }
        }
        commitSync(revoked, commitTimeout);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // the group's committed offsets say where to start: nothing to do
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // another member owns them already; a commit would be refused
        partitions.forEach(handled::remove);
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            commitSyncThroughAWakeup(offsets, timeout);
        } catch (KafkaException e) {
            // the records are read again by the partitions' next owner: at least once, as documented
            LOG.warn(
                    "Could not commit the offsets of handled run-state events ({}): they may be delivered again",
                    e.getClass().getName());
        }
    }

    private void commitSyncThroughAWakeup(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        try {
            consumer.commitSync(offsets, timeout);
        } catch (WakeupException e) {
            // close() woke the consumer up while the loop was not polling: the commit is still wanted
            consumer.commitSync(offsets, timeout);
        }
    }
}
