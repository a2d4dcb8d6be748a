package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the progress records of bulk cancels, as {@link OutcomeReader} reads outcomes: from the ends
 * the progress topic had before the bulk command was sent, read_committed, so that it sees only
 * progress made after it, and only committed progress (a crashed task's aborted counts never show).
 */
final class BulkProgressReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final Topics.Topic<BulkCancelProgress> progress;

    private BulkProgressReader(Consumer<byte[], byte[]> consumer, Topics.Topic<BulkCancelProgress> topic) {
        this.consumer = consumer;
        this.progress = topic;
    }

    /** Takes the progress topic's current ends; call before the bulk command is sent. */
    static BulkProgressReader fromNow(OperatorClients clients) {
        Consumer<byte[], byte[]> consumer = clients.consumer();
        try {
            Topics.Topic<BulkCancelProgress> topic = clients.topics().bulkProgress;
            List<TopicPartition> partitions = clients.partitionsOf(consumer, List.of(topic.name()));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: asking the position now fixes it before the command can be decided
            partitions.forEach(partition -> consumer.position(partition, clients.timeout()));
            return new BulkProgressReader(consumer, topic);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Hands every progress record read to {@code each} until {@code done} holds after a poll or the
     * deadline passes; whether {@code done} held.
     */
    boolean follow(java.util.function.Consumer<BulkCancelProgress> each, BooleanSupplier done, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            Duration left = Duration.between(Instant.now(), deadline);
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(left.compareTo(POLL) < 0 ? left : POLL)) {
                BulkCancelProgress decoded = decode(record);
                if (decoded != null) {
                    each.accept(decoded);
                }
            }
            if (done.getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    /** Another writer's record that does not decode is no bulk's progress. */
    private BulkCancelProgress decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return progress.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
