package io.controlplane.cancel.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * How far the processor has read its inputs, as its consumer group (its application.id) has
 * committed them. Under exactly-once an offset is committed in the same transaction as everything
 * the processor wrote on reading the records before it: once the group has committed past a
 * record, what the processor made of it is written (and, read_committed, visible once the
 * transaction's markers have reached the outcome topics: see {@link #ends}).
 */
final class ProcessorProgress implements AutoCloseable {

    private final Admin admin;
    private final String group;
    private final Duration callTimeout;
    private final String bootstrapServers;

    ProcessorProgress(Admin admin, String group, Duration callTimeout, String bootstrapServers) {
        this.admin = admin;
        this.group = group;
        this.callTimeout = callTimeout;
        this.bootstrapServers = bootstrapServers;
    }

    static ProcessorProgress of(OperatorClients clients) {
        return new ProcessorProgress(
                clients.admin(), clients.topics().applicationId, clients.timeout(), clients.bootstrapServers());
    }

    /**
     * Whether the processor has read the record at {@code offset} of {@code partition} and committed
     * that: its group's committed offset there is past it. False also while that cannot be asked
     * within {@code wait} (Kafka away, the group's coordinator moving): the caller asks again until
     * its own deadline.
     */
    boolean hasReadPast(TopicPartition partition, long offset, Duration wait) {
        Duration bound = wait.compareTo(callTimeout) < 0 ? wait : callTimeout;
        if (bound.toMillis() <= 0) {
            return false;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                            Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(partition))),
                            new ListConsumerGroupOffsetsOptions().timeoutMs((int) bound.toMillis()))
                    .partitionsToOffsetAndMetadata(group)
                    .get(bound.toMillis(), TimeUnit.MILLISECONDS);
            OffsetAndMetadata at = committed.get(partition);
            return at != null && at.offset() > offset;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                throw new OperatorException("Not allowed to read the committed offsets of the processor's consumer "
                        + "group " + group + " on Kafka at " + bootstrapServers + " (Describe on the group): "
                        + Text.oneLine(e.getCause()));
            }
            if (e.getCause() instanceof RetriableException) {
                return false;
            }
            throw new OperatorException("Cannot read the committed offsets of the processor's consumer group " + group
                    + " on Kafka at " + bootstrapServers + ": " + Text.oneLine(e.getCause()));
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("Interrupted while reading the processor's committed offsets");
        }
    }

    /**
     * The ends of {@code partitions} as written, committed or not (read_uncommitted): an outcome
     * written in a transaction that has committed lies before them. A read_committed reader that
     * has read up to them has seen it, once the transaction's markers are in.
     */
    Map<TopicPartition, Long> ends(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> listed = admin.listOffsets(
                            latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED).timeoutMs(timeoutMs()))
                    .all()
                    .get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> ends = new HashMap<>();
            listed.forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        } catch (ExecutionException e) {
            throw new OperatorException("Cannot list the ends of the outcome topics on Kafka at " + bootstrapServers
                    + ": " + Text.oneLine(e.getCause()));
        } catch (TimeoutException e) {
            throw new OperatorException("Cannot reach Kafka at " + bootstrapServers + " within "
                    + Text.duration(callTimeout) + " to list the ends of the outcome topics");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("Interrupted while listing the ends of the outcome topics");
        }
    }

    private int timeoutMs() {
        return (int) Math.min(Integer.MAX_VALUE, callTimeout.toMillis());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
