package io.controlplane.cancel.it.support;

import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the processor wrote, read as its subscribers read it: read_committed, so records of
 * aborted transactions (e.g. of a killed instance) are never counted.
 */
public final class Outcomes implements AutoCloseable {

    private final Topics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    public final List<RunStateChange> cancellations = new ArrayList<>();
    public final List<CancelRejection> rejections = new ArrayList<>();
    public final List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();

    public Outcomes(String bootstrapServers, Topics topics) {
        this.topics = topics;
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "outcomes-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        4 * 1024 * 1024),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.runStateChanges.name(), topics.rejections.name(), topics.dlq));
    }

    public int total() {
        return cancellations.size() + rejections.size() + deadLetters.size();
    }

    /** Polls until at least {@code expected} outcomes arrived or the deadline passed; returns the total. */
    public int awaitAtLeast(int expected, Duration timeout) {
        awaitUntil(() -> total() >= expected, timeout);
        return total();
    }

    /**
     * Polls until {@code done} holds or the deadline passed; returns whether it holds. A stream thread
     * failing meanwhile is left to Kafka Streams: some tests make one fail on purpose.
     */
    public boolean awaitUntil(BooleanSupplier done, Duration timeout) {
        try {
            // the consumer is polled on this thread only: it must not be used from two
            await().pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .dontCatchUncaughtExceptions()
                    .atMost(timeout)
                    .until(() -> {
                        if (!done.getAsBoolean()) {
                            poll(Duration.ofMillis(200));
                        }
                        return done.getAsBoolean();
                    });
            return true;
        } catch (ConditionTimeoutException late) {
            return false;
        }
    }

    /** The cancellations decided for {@code commandId}, as read so far. */
    public List<RunStateChange> cancellationsOf(String commandId) {
        return cancellations.stream()
                .filter(c -> commandId.equals(c.getCommandId()))
                .toList();
    }

    /** The rejections of {@code commandId}, as read so far. */
    public List<CancelRejection> rejectionsOf(String commandId) {
        return rejections.stream()
                .filter(r -> commandId.equals(r.getCommandId()))
                .toList();
    }

    /** Keeps polling for {@code quiet} to catch anything beyond what was expected. */
    public int drain(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            poll(Duration.ofMillis(200));
        }
        return total();
    }

    private void poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (record.topic().equals(topics.runStateChanges.name())) {
                cancellations.add(
                        topics.runStateChanges.valueSerde().deserializer().deserialize(record.topic(), record.value()));
            } else if (record.topic().equals(topics.rejections.name())) {
                rejections.add(
                        topics.rejections.valueSerde().deserializer().deserialize(record.topic(), record.value()));
            } else {
                deadLetters.add(record);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
