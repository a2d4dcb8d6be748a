package io.controlplane.cancel.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Records reach the mock in offset order, at the start of each poll: the mock returns a partition's
 * records as they stand in its list and skips any below the position the ones before left. A record
 * added while the reader held the one before back, and then sought back to it, would otherwise stand
 * ahead of it and the earlier one be lost: a race of the test double, not of the reader.
 */
final class PacedMockConsumer extends MockConsumer<byte[], byte[]> {

    final AtomicInteger commits = new AtomicInteger();
    /** What the group has committed, kept after a revocation or close (the mock's own answers stop then). */
    final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

    volatile boolean asyncCommitsStayInFlight;

    private final List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
    /** Added or sought back to, not yet handed to the mock. */
    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
    /** Past the last record each partition's polls returned. */
    private final Map<TopicPartition, Long> delivered = new ConcurrentHashMap<>();

    PacedMockConsumer() {
        super("earliest");
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        handPendingToTheMock();
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
        if (!assignment().contains(new TopicPartition(record.topic(), record.partition()))) {
            // as the mock's own addRecord: at once, on the test's thread
            throw new IllegalStateException("Cannot add records for a partition that is not assigned to the consumer");
        }
        log.add(record);
        pending.add(record);
    }

    /** In offset order; a record of a partition no longer assigned is dropped, as the mock's poll drops it. */
    private synchronized void handPendingToTheMock() {
        pending.sort(Comparator.comparing((ConsumerRecord<byte[], byte[]> record) -> record.topic())
                .thenComparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        Set<TopicPartition> assigned = assignment();
        for (ConsumerRecord<byte[], byte[]> record : pending) {
            if (assigned.contains(new TopicPartition(record.topic(), record.partition()))) {
                super.addRecord(record);
            }
        }
        pending.clear();
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
                pending.add(record);
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
