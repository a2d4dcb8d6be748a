package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What follows a cancel command that goes on over time, for {@code cancel --graceful} and {@code
 * --at}: the run-state changes and rejections (read_committed: decided ones only) and, following a
 * run, the run's partition of the run-states topic (what upstream reports of it), each read from the
 * end it had before the command was sent. The command's own first outcome comes through the client
 * library; this reads what it does not give: the run's later CANCELLED, perhaps by another command,
 * upstream's report, and whether an answer lies below the ends when the processor has read the command.
 */
final class OutcomeReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    /** What was read: a run-state change, a rejection, or (following a run) one of the run's states. */
    sealed interface Seen {}

    record Changed(RunStateChange change) implements Seen {}

    record Rejected(CancelRejection rejection) implements Seen {}

    /** The run's state as upstream wrote it at {@code offset} of the run-states partition; null: deleted. */
    record RunStateSeen(RunState state, long offset) implements Seen {}

    private final Consumer<byte[], byte[]> consumer;
    private final Topics.Topic<RunStateChange> changes;
    private final Topics.Topic<CancelRejection> rejections;
    private final Topics.Topic<RunState> runStates;
    private final Set<TopicPartition> outcomePartitions;
    /** The run followed, as its key in the run-states topic; null when no run is followed. */
    private final byte[] runKey;

    private OutcomeReader(
            Consumer<byte[], byte[]> consumer, Topics topics, Set<TopicPartition> outcomePartitions, String runKey) {
        this.consumer = consumer;
        this.changes = topics.runStateChanges;
        this.rejections = topics.rejections;
        this.runStates = topics.runStates;
        this.outcomePartitions = outcomePartitions;
        this.runKey = runKey == null ? null : runKey.getBytes(StandardCharsets.UTF_8);
    }

    /** Takes the outcome topics' current ends; call before the command is sent. */
    static OutcomeReader fromNow(OperatorClients clients) {
        return fromNow(clients, null, null);
    }

    /**
     * As {@link #fromNow(OperatorClients)}, and also takes the end of {@code runStates}, the
     * partition upstream writes the run {@code executionId} to, to follow that run's states.
     */
    static OutcomeReader following(OperatorClients clients, String executionId, TopicPartition runStates) {
        return fromNow(clients, executionId, runStates);
    }

    private static OutcomeReader fromNow(OperatorClients clients, String executionId, TopicPartition runStates) {
        Consumer<byte[], byte[]> consumer = clients.consumer();
        try {
            Topics topics = clients.topics();
            List<TopicPartition> outcomes =
                    clients.partitionsOf(consumer, List.of(topics.runStateChanges.name(), topics.rejections.name()));
            List<TopicPartition> partitions = new ArrayList<>(outcomes);
            if (runStates != null) {
                partitions.add(runStates);
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: asking the position now fixes it before the command can be decided
            partitions.forEach(partition -> consumer.position(partition, clients.timeout()));
            return new OutcomeReader(consumer, topics, Set.copyOf(outcomes), executionId);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** What one poll of at most {@link #POLL} (less when {@code deadline} is nearer) read. */
    List<Seen> poll(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            return List.of();
        }
        List<Seen> seen = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(left.compareTo(POLL) < 0 ? left : POLL)) {
            seenIn(record).ifPresent(seen::add);
        }
        return seen;
    }

    /** Every partition of the outcome topics (run-state changes and rejections). */
    Set<TopicPartition> outcomePartitions() {
        return outcomePartitions;
    }

    /** Whether this reader has read each of these partitions up to the offset given (read_committed). */
    boolean hasRead(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream()
                .allMatch(end -> consumer.position(end.getKey(), Duration.ofSeconds(5)) >= end.getValue());
    }

    private Optional<Seen> seenIn(ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(changes.name())) {
            RunStateChange change = decode(changes.valueSerde().deserializer(), record);
            return change == null ? Optional.empty() : Optional.of(new Changed(change));
        }
        if (record.topic().equals(rejections.name())) {
            CancelRejection rejection = decode(rejections.valueSerde().deserializer(), record);
            return rejection == null ? Optional.empty() : Optional.of(new Rejected(rejection));
        }
        // the run-states partition: only the run followed, by its key, as upstream writes it
        if (runKey == null || !Arrays.equals(runKey, record.key())) {
            return Optional.empty();
        }
        if (record.value() == null) {
            return Optional.of(new RunStateSeen(null, record.offset()));
        }
        RunState state = decode(runStates.valueSerde().deserializer(), record);
        return state == null ? Optional.empty() : Optional.of(new RunStateSeen(state, record.offset()));
    }

    /** Another writer's record that does not decode is not what this follows. */
    private static <V> V decode(Deserializer<V> deserializer, ConsumerRecord<byte[], byte[]> record) {
        try {
            return deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
