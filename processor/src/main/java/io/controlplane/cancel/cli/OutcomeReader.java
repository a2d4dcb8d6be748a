package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Waits for the outcome of one command: the run-state change or rejection carrying its commandId.
 * It reads from the ends the outcome topics had before the command was sent, read_committed, so
 * that it sees only outcomes decided after it, and only decided ones.
 */
final class OutcomeReader implements AutoCloseable {

    /** A command's outcome: exactly one of the two is set. */
    record Outcome(RunStateChange cancellation, CancelRejection rejection) {}

    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final Topics.Topic<RunStateChange> changes;
    private final Topics.Topic<CancelRejection> rejections;

    private OutcomeReader(Consumer<byte[], byte[]> consumer, Topics topics) {
        this.consumer = consumer;
        this.changes = topics.runStateChanges;
        this.rejections = topics.rejections;
    }

    /** Takes the outcome topics' current ends; call before the command is sent. */
    static OutcomeReader fromNow(OperatorClients clients) {
        Consumer<byte[], byte[]> consumer = clients.consumer();
        try {
            Topics topics = clients.topics();
            List<TopicPartition> partitions =
                    clients.partitionsOf(consumer, List.of(topics.runStateChanges.name(), topics.rejections.name()));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: asking the position now fixes it before the command can be decided
            partitions.forEach(partition -> consumer.position(partition, clients.timeout()));
            return new OutcomeReader(consumer, topics);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** The outcome of {@code commandId}, or empty if none was decided by {@code deadline}. */
    Optional<Outcome> await(String commandId, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            Duration left = Duration.between(Instant.now(), deadline);
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(left.compareTo(POLL) < 0 ? left : POLL)) {
                Optional<Outcome> outcome = outcomeOf(commandId, record);
                if (outcome.isPresent()) {
                    return outcome;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Outcome> outcomeOf(String commandId, ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(changes.name())) {
            RunStateChange change = decode(changes.valueSerde().deserializer(), record);
            if (change != null && commandId.equals(change.getCommandId())) {
                return Optional.of(new Outcome(change, null));
            }
        } else {
            CancelRejection rejection = decode(rejections.valueSerde().deserializer(), record);
            if (rejection != null && commandId.equals(rejection.getCommandId())) {
                return Optional.of(new Outcome(null, rejection));
            }
        }
        return Optional.empty();
    }

    /** Another writer's record that does not decode is not this command's outcome. */
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
