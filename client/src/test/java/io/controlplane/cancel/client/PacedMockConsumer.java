package io.controlplane.cancel.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

/**
 * A MockConsumer whose empty polls take a moment, as a real consumer's wait for records does (the
 * mock's return at once and would spin the subscription's thread), which counts the commits asked of
 * it, which can leave asynchronous commits in flight for good (as a broker that has not answered), and
 * which delivers records again after a seek back to them (the mock forgets a record once polled), and
 * which says when the client's reader has gone once round its loop.
 */
final class PacedMockConsumer extends MockConsumer<byte[], byte[]> {

    final AtomicInteger commits = new AtomicInteger();
    /** What the group has committed, kept after a revocation or close (the mock's own answers stop then). */
    final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

    volatile boolean asyncCommitsStayInFlight;

    private final List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
    /** Past the last record each partition's polls returned. */
    private final Map<TopicPartition, Long> delivered = new ConcurrentHashMap<>();

    PacedMockConsumer() {
        super("earliest");
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
        records.forEach(record -> delivered.merge(
                new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max));
        if (records.isEmpty()) {
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
        return records;
    }

    @Override
    public synchronized void addRecord(ConsumerRecord<byte[], byte[]> record) {
        log.add(record);
        super.addRecord(record);
    }

    @Override
    public synchronized void seek(TopicPartition partition, long offset) {
        long delivered = this.delivered.getOrDefault(partition, offset);
        super.seek(partition, offset);
        for (ConsumerRecord<byte[], byte[]> record : log) {
            if (record.topic().equals(partition.topic())
                    && record.partition() == partition.partition()
                    && record.offset() >= offset
                    && record.offset() < delivered) {
                super.addRecord(record);
            }
        }
    }

    @Override
    public synchronized void commitAsync(
            Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        commits.incrementAndGet();
        if (!asyncCommitsStayInFlight) {
            super.commitAsync(offsets, callback);
            offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        }
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        commits.incrementAndGet();
        super.commitSync(offsets, timeout);
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    /**
     * Returns once the reader has gone once round its loop after this call: a task runs at the start
     * of each poll, so when the second of two chained tasks runs, the iteration of the first has ended.
     */
    void awaitOneReaderLoop() throws InterruptedException {
        CountDownLatch looped = new CountDownLatch(1);
        schedulePollTask(() -> schedulePollTask(looped::countDown));
        if (!looped.await(5, TimeUnit.SECONDS)) {
            throw new AssertionError("the outcome reader did not poll within 5 s");
        }
    }
}
