package io.controlplane.cancel.client;

import io.controlplane.cancel.serde.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to what the processor decides: each cancellation, graceful cancel begun and
 * rejection it writes, handed to a listener as a {@link RunStateEvent}, on a daemon thread of its own.
 *
 * <p>{@link #subscribe} makes the service a member of a consumer group: the group's members share the
 * outcome topics' partitions, and the group's committed offsets say where a member starts (a new group
 * starts at the oldest records kept, unless the client's {@code auto.offset.reset} says otherwise).
 * {@link #tail} watches without a group, from now (or from the beginning), and commits nothing.
 *
 * <p>What every subscription does:
 *
 * <ul>
 *   <li>It reads only committed transactions ({@code isolation.level=read_committed}, whatever the
 *       settings say): the processor writes its outcomes in transactions, and an aborted one's were
 *       never decided.
 *   <li>The listener gets the events of each partition in the order they were written, one at a
 *       time, on the subscription's thread; a slow listener holds the subscription back, it never
 *       runs twice at once.
 *   <li>A record that does not decode (no value, bytes that are not the contract's, a status this
 *       client does not know) is skipped and counted ({@link #skipped()}), and logged at WARN with
 *       where it is, never with its bytes. A schema registry that cannot be asked is not the record's
 *       fault: the record is held back and decoded again, after 1 s, then up to 30 s between tries.
 *   <li>If the listener throws, the subscription stops: {@link #stopped()} completes with the
 *       listener's exception, and in a group the record it threw on is the first that the group reads
 *       again. It neither skips the record (an event a service must act on would be lost) nor retries
 *       it forever (the same bug or outage would fail again, unseen); the service decides, and can
 *       subscribe again.
 * </ul>
 *
 * <p>Delivery is <b>at least once</b>. A group member commits a record's offset only after the
 * listener returned for it: after each batch, when the group takes partitions away from it (a
 * rebalance), and when it is closed. A member that crashes, or is closed while its listener is
 * stuck, has its uncommitted records read again by the group; and the processor's records are
 * themselves written at least once around its own failures. Make the listener idempotent, by {@link
 * RunStateEvent#commandId()} and {@link RunStateEvent#executionId()}.
 *
 * <p>{@link #close()} never hangs: it stops the thread, commits what was handled and closes the
 * consumer within its bound.
 */
public final class RunStateChanges implements AutoCloseable {

    /** Where a {@link #tail} starts. */
    public enum From {
        /** The ends of the partitions when {@code tail} returns: only what is written afterwards. */
        NOW,
        /** The oldest records Kafka keeps. */
        BEGINNING
    }

    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration FIRST_REGISTRY_RETRY = Duration.ofSeconds(1);
    static final Duration LAST_REGISTRY_RETRY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(RunStateChanges.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final RunStateDecoder decoder;
    /** The group's commits; null for a tail, which has none. */
    private final HandledOffsets offsets;

    private final Consumer<RunStateEvent> listener;
    private final Consumer<SkippedRecord> onSkipped;
    private final Duration firstRegistryRetry;
    private final Thread pollThread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicLong skipped = new AtomicLong();

    private volatile long closeDeadlineNanos;
    /** Whether the poll thread is in the listener: a listener still there when close's bound passes is interrupted. */
    private volatile boolean listening;
    /** A listener that throws once close() interrupted it has not failed: close() stopped it. */
    private volatile boolean interruptedByClose;

    private Duration registryRetry;
    private boolean registryDown;

    /**
     * A subscription reading with {@code consumer}, which it owns and closes. A group member subscribes
     * it here; for a tail, it must be assigned and positioned already ({@link #assignEveryPartition}).
     * Its thread starts with {@link #start()}.
     */
    RunStateChanges(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
            RunStateDecoder decoder,
            boolean groupMember,
            Consumer<RunStateEvent> listener,
            Consumer<SkippedRecord> onSkipped,
            Duration kafkaTimeout,
            Duration firstRegistryRetry) {
        this.consumer = consumer;
        this.decoder = decoder;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.onSkipped = Objects.requireNonNull(onSkipped, "onSkipped");
        this.firstRegistryRetry = firstRegistryRetry;
        this.registryRetry = firstRegistryRetry;
        this.offsets = groupMember ? new HandledOffsets(consumer, kafkaTimeout) : null;
        if (groupMember) {
            consumer.subscribe(decoder.topics(), offsets);
        }
        this.pollThread = new Thread(this::pollUntilClosed, "cancel-run-state-changes");
        pollThread.setDaemon(true);
    }

    /**
     * Subscribes the service to the outcome topics as a member of the consumer group {@code groupId},
     * with the client's Kafka settings ({@code consumer.}-prefixed ones winning), and starts handing
     * events to {@code listener}. The group's committed offsets say where to start; a new group reads
     * from the oldest records kept ({@code auto.offset.reset=earliest}) unless the settings set {@code
     * auto.offset.reset} themselves. {@code enable.auto.commit} and {@code isolation.level} are the
     * subscription's own (false, read_committed).
     *
     * @param groupId the consumer group: every instance of one service uses the same
     */
    public static RunStateChanges subscribe(
            CancelClientConfig config, String groupId, Consumer<RunStateEvent> listener) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("A subscription needs a consumer group id");
        }
        RunStateDecoder decoder = RunStateDecoder.of(config);
        return new RunStateChanges(
                        new KafkaConsumer<>(
                                RunStateConsumerSettings.ofGroupMember(config, groupId),
                                new ByteArrayDeserializer(),
                                new ByteArrayDeserializer()),
                        decoder,
                        true,
                        listener,
                        RunStateChanges::logSkipped,
                        Duration.ofMillis(config.timeoutMs()),
                        FIRST_REGISTRY_RETRY)
                .start();
    }

    /**
     * Watches the outcome topics from now, without a group: the events written after this returns go
     * to {@code listener}; nothing is committed, and another tail, or a group, is not affected.
     *
     * @throws CancelClientException if an outcome topic does not exist or Kafka does not answer within
     *     the client's {@code cancel.client.timeout.ms}
     */
    public static RunStateChanges tail(CancelClientConfig config, Consumer<RunStateEvent> listener) {
        return tail(config, From.NOW, listener, RunStateChanges::logSkipped);
    }

    /**
     * Watches the outcome topics without a group, from {@code from}, as {@link #tail(CancelClientConfig,
     * Consumer)} does, and hands each record it skips to {@code onSkipped} instead of logging it (a tool
     * that shows every record shows those too).
     *
     * @throws CancelClientException if an outcome topic does not exist or Kafka does not answer within
     *     the client's {@code cancel.client.timeout.ms}
     */
    public static RunStateChanges tail(
            CancelClientConfig config, From from, Consumer<RunStateEvent> listener, Consumer<SkippedRecord> onSkipped) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(onSkipped, "onSkipped");
        Duration timeout = Duration.ofMillis(config.timeoutMs());
        RunStateDecoder decoder = RunStateDecoder.of(config);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                RunStateConsumerSettings.ofTail(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            assignEveryPartition(consumer, decoder.topics(), from, timeout);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            decoder.close();
            throw e;
        }
        return new RunStateChanges(consumer, decoder, false, listener, onSkipped, timeout, FIRST_REGISTRY_RETRY)
                .start();
    }

    /**
     * Assigns the consumer every partition of {@code topics} and positions it at their ends (or
     * beginnings) now: seeking is lazy in Kafka, so each position is asked for before this returns,
     * and a record written afterwards is never missed.
     */
    static void assignEveryPartition(
            org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
            List<String> topics,
            From from,
            Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        try {
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
                if (infos == null || infos.isEmpty()) {
                    throw new CancelClientException("Topic " + topic + " does not exist");
                }
                infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            consumer.assign(partitions);
            if (from == From.BEGINNING) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            partitions.forEach(partition -> consumer.position(partition, timeout));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new CancelClientException(
                    "Kafka did not give the outcome topics' partitions and ends within " + timeout.toMillis() + " ms",
                    e);
        }
    }

    RunStateChanges start() {
        pollThread.start();
        return this;
    }

    /**
     * Completes when the subscription has stopped: normally once {@link #close()} has closed it;
     * exceptionally, with the listener's exception or Kafka's (a lost authorization, say), when it
     * stopped by itself. The thread that completes it is the subscription's.
     */
    public CompletionStage<Void> stopped() {
        return stopped.minimalCompletionStage();
    }

    /** How many records were skipped because they do not decode (or have no value). */
    public long skipped() {
        return skipped.get();
    }

    /** {@link #close(Duration)} within 5 s. */
    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    /**
     * Stops the subscription and returns within {@code timeout}: the listener is not called again once
     * the event it is handling returns; a group member commits what was handled and leaves its group;
     * the consumer is closed. A listener still running when the bound passes is interrupted, and the
     * consumer closed when it returns. Called from the listener itself, it returns at once and the
     * subscription stops when the listener returns.
     */
    public void close(Duration timeout) {
        closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
        closing.countDown();
        consumer.wakeup();
        if (Thread.currentThread() == pollThread) {
            return;
        }
        try {
            pollThread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (pollThread.isAlive() && listening) {
            interruptedByClose = true;
            pollThread.interrupt();
        }
    }

    private boolean closing() {
        return closing.getCount() == 0;
    }

    private void pollUntilClosed() {
        Throwable failure = null;
        try {
            while (!closing()) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    continue; // close() woke it up: the loop's condition ends it
                }
                boolean heldBack = handle(records);
                if (offsets != null) {
                    offsets.commitAsync();
                }
                if (heldBack) {
                    waitForTheRegistry();
                }
            }
        } catch (ListenerFailure e) {
            if (interruptedByClose) {
                return; // close() interrupted a listener that did not return in time: not a failure of its own
            }
            failure = e.getCause();
            LOG.warn(
                    "The run-state listener threw {} on {}; the subscription stopped (see stopped())",
                    failure.getClass().getName(),
                    e.where);
        } catch (InterruptException e) {
            // close() gave up waiting for the listener: go on closing
        } catch (RuntimeException e) {
            failure = e;
            LOG.warn("The run-state subscription stopped: {}", e.getClass().getName());
        } finally {
            closeConsumer();
            if (failure == null) {
                stopped.complete(null);
            } else {
                stopped.completeExceptionally(failure);
            }
        }
    }

    /** Hands each record's event to the listener; true when a partition's rest was held back for the registry. */
    private boolean handle(ConsumerRecords<byte[], byte[]> records) {
        boolean heldBack = false;
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                if (closing()) {
                    return heldBack;
                }
                if (!handle(record)) {
                    // the rest of this partition waits, in order; the other partitions go on
                    consumer.seek(partition, record.offset());
                    heldBack = true;
                    break;
                }
            }
        }
        return heldBack;
    }

    /** False when the record must wait for the registry. */
    private boolean handle(ConsumerRecord<byte[], byte[]> record) {
        RunStateEvent event;
        try {
            event = decoder.decode(record);
        } catch (SchemaRegistryUnavailableException e) {
            if (!registryDown) {
                LOG.warn(
                        "The schema registry cannot be asked ({}): run-state events wait for it",
                        e.getClass().getName());
                registryDown = true;
            }
            return false;
        } catch (RuntimeException e) {
            skip(record, e);
            return true;
        }
        if (registryDown) {
            LOG.info("The schema registry answers again: run-state events go on");
            registryDown = false;
            registryRetry = firstRegistryRetry;
        }
        if (event == null) {
            skip(record, null);
        } else {
            call(listener, event, record);
        }
        if (offsets != null) {
            offsets.handled(record);
        }
        return true;
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, RuntimeException cause) {
        skipped.incrementAndGet();
        call(
                onSkipped,
                new SkippedRecord(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                        record.value() == null ? 0 : record.value().length,
                        cause),
                record);
        if (offsets != null) {
            offsets.handled(record);
        }
    }

    private <T> void call(Consumer<T> callback, T argument, ConsumerRecord<?, ?> record) {
        listening = true;
        try {
            callback.accept(argument);
        } catch (Throwable t) {
            throw new ListenerFailure(t, record.topic() + "[" + record.partition() + "]@" + record.offset());
        } finally {
            listening = false;
        }
    }

    private void waitForTheRegistry() {
        try {
            closing.await(registryRetry.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
        registryRetry = registryRetry.multipliedBy(2).compareTo(LAST_REGISTRY_RETRY) > 0
                ? LAST_REGISTRY_RETRY
                : registryRetry.multipliedBy(2);
    }

    private void closeConsumer() {
        // an interrupted thread cannot commit nor close a consumer: close() interrupted a stuck listener
        Thread.interrupted();
        try {
            if (offsets != null) {
                offsets.commitSync(remainingCloseTime());
            }
        } finally {
            try {
                consumer.close(CloseOptions.timeout(remainingCloseTime()));
            } catch (RuntimeException e) {
                LOG.warn("Closing the run-state consumer: {}", e.getClass().getName());
            }
            decoder.close();
        }
    }

    private Duration remainingCloseTime() {
        if (!closing()) {
            return CLOSE_TIMEOUT; // stopped by itself: no caller waits on a bound
        }
        return Duration.ofNanos(Math.max(0, closeDeadlineNanos - System.nanoTime()));
    }

    private static void logSkipped(SkippedRecord record) {
        LOG.warn(
                "Skipped the record {}[{}]@{}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                record.cause() == null
                        ? "it has no value"
                        : "it does not decode (" + record.cause().getClass().getName() + ")");
    }

    /** The listener (or the skipped-record callback) threw: the subscription stops. */
    private static final class ListenerFailure extends RuntimeException {

        private final String where;

        ListenerFailure(Throwable cause, String where) {
            super(cause);
            this.where = where;
        }
    }
}
