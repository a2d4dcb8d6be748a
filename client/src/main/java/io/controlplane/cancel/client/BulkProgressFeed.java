package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.BulkCancelProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The progress records of bulk cancels, read from the ends the progress topic had before the bulk
 * command was sent, so that only progress made after it is seen (an earlier bulk of the same bulkId
 * would otherwise end it at once). The consumer is read_committed: a task that crashed mid-turn
 * never shows the counts of its aborted transaction.
 */
final class BulkProgressFeed {

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<BulkCancelProgress> deserializer;

    private BulkProgressFeed(Consumer<byte[], byte[]> consumer, Deserializer<BulkCancelProgress> deserializer) {
        this.consumer = consumer;
        this.deserializer = deserializer;
    }

    /** Assigns {@code consumer} the {@code partitions} of the progress topic at their ends as of now; call before sending. */
    static BulkProgressFeed fromEnds(
            Consumer<byte[], byte[]> consumer,
            List<PartitionInfo> topic,
            Deserializer<BulkCancelProgress> deserializer,
            Duration timeout) {
        List<TopicPartition> partitions = topic.stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: asking the positions now fixes them before the command can be decided
        partitions.forEach(partition -> consumer.position(partition, timeout));
        return new BulkProgressFeed(consumer, deserializer);
    }

    /** The progress records that arrive within {@code timeout}; another writer's record that does not decode is skipped. */
    List<BulkCancelProgress> poll(Duration timeout) {
        List<BulkCancelProgress> progress = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            try {
                BulkCancelProgress decoded = deserializer.deserialize(record.topic(), record.headers(), record.value());
                if (decoded != null) {
                    progress.add(decoded);
                }
            } catch (RuntimeException e) {
                // no bulk's progress
            }
        }
        return progress;
    }
}
