package io.controlplane.cancel.client;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;

/**
 * A MockConsumer whose poll, when it has nothing to give, waits a moment as a real consumer's does:
 * the client's reader thread then does not spin on a core the tests share.
 */
final class PacedMockConsumer extends MockConsumer<byte[], byte[]> {

    private static final long IDLE_POLL_NANOS = Duration.ofMillis(1).toNanos();

    PacedMockConsumer() {
        super("earliest");
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
        if (records.isEmpty()) {
            // outside poll's lock, so that the test can add records meanwhile
            LockSupport.parkNanos(IDLE_POLL_NANOS);
        }
        return records;
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
