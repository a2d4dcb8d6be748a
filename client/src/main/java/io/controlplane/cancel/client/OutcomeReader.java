package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.config.CancelTopic;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one reader of outcomes: a consumer of every partition of the run-state-changes and
 * rejections topics, read_committed, on a thread of its own. It hands each outcome to the pending
 * calls, and ends the calls whose deadline has passed.
 */
final class OutcomeReader {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeReader.class);

    /** How long a poll waits for records: also how late a timeout may be noticed. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** Asked of the consumer's metadata, which it keeps for its assigned topics: an answer is at hand. */
    private static final Duration PARTITIONS_LOOKUP = Duration.ofSeconds(5);

    private static final Duration CONSUMER_CLOSE = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final PendingCalls pending;
    private final Clock clock;
    private final String changesTopic;
    private final String rejectionsTopic;
    private final Deserializer<RunStateChange> changes;
    private final Deserializer<CancelRejection> rejections;
    private final Duration partitionCheckPeriod;
    private final String bootstrapServers;
    private final Thread thread;

    private volatile boolean running = true;
    private volatile long undecodableRecords;
    private long nextPartitionCheckMs;
    private String lastFailureLogged;

    OutcomeReader(
            Consumer<byte[], byte[]> consumer,
            CancelClientConfig config,
            PendingCalls pending,
            Clock clock,
            Duration partitionCheckPeriod,
            String bootstrapServers) {
        this.consumer = consumer;
        this.pending = pending;
        this.clock = clock;
        this.changesTopic = config.topic(CancelTopic.RUN_STATE_CHANGES);
        this.rejectionsTopic = config.topic(CancelTopic.REJECTIONS);
        this.changes = config.valueSerde(RunStateChange.class).deserializer();
        this.rejections = config.valueSerde(CancelRejection.class).deserializer();
        this.partitionCheckPeriod = partitionCheckPeriod;
        this.bootstrapServers = bootstrapServers;
        this.thread = new Thread(this::readUntilStopped, "cancel-client-outcomes");
        thread.setDaemon(true);
    }

    /**
     * Assigns every partition of the outcome topics at its end, and starts reading. Each position is
     * asked for here, since seekToEnd is lazy: the end is fixed before any command can be sent, so no
     * outcome of one is missed.
     */
    void startAtTheEnds(Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        try {
            for (String topic : List.of(changesTopic, rejectionsTopic)) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
                if (infos == null || infos.isEmpty()) {
                    throw new CancelClientException(
                            "Topic " + topic + " does not exist on Kafka at " + bootstrapServers);
                }
                infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(partition -> consumer.position(partition, timeout));
        } catch (KafkaException e) {
            throw new CancelClientException(
                    "Cannot read the outcome topics " + changesTopic + " and " + rejectionsTopic + " on Kafka at "
                            + bootstrapServers + ": " + CommandWriter.oneLine(e),
                    e);
        }
        nextPartitionCheckMs = clock.millis() + partitionCheckPeriod.toMillis();
        thread.start();
    }

    /** Stops reading, waiting at most {@code wait} for the thread; the thread closes the consumer. */
    void stop(Duration wait) {
        running = false;
        consumer.wakeup();
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records on the outcome topics that did not decode, and were skipped. */
    long undecodableRecords() {
        return undecodableRecords;
    }

    private void readUntilStopped() {
        try {
            while (running) {
                pending.expire(clock.millis());
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        CancelOutcome outcome = outcomeIn(record);
                        if (outcome != null) {
                            pending.decided(outcome);
                        }
                    }
                    assignNewPartitionsWhenDue();
                } catch (WakeupException e) {
                    // stop() woke the poll: the loop's condition ends it
                } catch (RuntimeException e) {
                    logOnce(e);
                    // what fails (a refused login, say) fails again at once: not in a busy loop
                    LockSupport.parkNanos(POLL.toNanos());
                }
            }
        } finally {
            consumer.close(CONSUMER_CLOSE);
            changes.close();
            rejections.close();
        }
    }

    /** The outcome {@code record} carries, or null: another kind of record, or one that does not decode. */
    private CancelOutcome outcomeIn(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(changesTopic)) {
                RunStateChange change = changes.deserialize(record.topic(), record.headers(), record.value());
                if (change == null) {
                    return null;
                }
                return switch (change.getStatus()) {
                    case CANCELLED -> new CancelOutcome.Cancelled(change.getCommandId(), change);
                    case CANCELLING -> new CancelOutcome.Cancelling(change.getCommandId(), change);
                    default -> null;
                };
            }
            CancelRejection rejection = rejections.deserialize(record.topic(), record.headers(), record.value());
            if (rejection == null || rejection.getCommandId() == null) {
                return null;
            }
            return new CancelOutcome.Rejected(
                    rejection.getCommandId(), rejection.getCode().name(), rejection.getMessage(), rejection);
        } catch (RuntimeException e) {
            // another writer's record, or one of a schema this client cannot read: not an outcome it awaits
            long count = ++undecodableRecords;
            if (count == 1 || Long.bitCount(count) == 1) {
                LOG.warn(
                        "Skipped a record at {}-{}@{} that does not decode ({} so far): {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        count,
                        CommandWriter.oneLine(e));
            }
            return null;
        }
    }

    /**
     * Partitions added to the outcome topics since are read from their beginning: the processor may
     * have written outcomes there before this saw them. The partitions assigned keep their positions.
     */
    private void assignNewPartitionsWhenDue() {
        long now = clock.millis();
        if (now < nextPartitionCheckMs) {
            return;
        }
        nextPartitionCheckMs = now + partitionCheckPeriod.toMillis();
        Set<TopicPartition> assigned = consumer.assignment();
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : List.of(changesTopic, rejectionsTopic)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, PARTITIONS_LOOKUP);
            for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
                TopicPartition partition = new TopicPartition(info.topic(), info.partition());
                if (!assigned.contains(partition)) {
                    added.add(partition);
                }
            }
        }
        if (!added.isEmpty()) {
            List<TopicPartition> all = new ArrayList<>(assigned);
            all.addAll(added);
            consumer.assign(all);
            consumer.seekToBeginning(added);
            LOG.info("Reading outcomes from the new partitions {} too, from their beginning", added);
        }
    }

    /** A failure repeated poll after poll is logged once, until another comes. */
    private void logOnce(RuntimeException failure) {
        String line = CommandWriter.oneLine(failure);
        if (!line.equals(lastFailureLogged)) {
            lastFailureLogged = line;
            LOG.warn("Cannot read outcomes from Kafka at {} (retrying): {}", bootstrapServers, line);
        }
    }
}
