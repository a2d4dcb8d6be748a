package io.controlplane.cancel.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Whether the processor is alive and whether it is ready, as the probes report them. Ready means
 * that it decides commands now: Kafka Streams is RUNNING, no store it owns is being restored (a
 * restoring task holds its partitions' commands back, though the state says RUNNING), and no stream
 * thread was replaced recently (a thread that fails again and again is replaced again and again, and
 * Kafka Streams goes back to RUNNING in between).
 */
public final class StreamsHealth implements StateRestoreListener {

    /** How long after a thread replacement the processor is not ready. */
    public static final Duration REPLACEMENT_QUIET_PERIOD = Duration.ofSeconds(30);

    private final Supplier<KafkaStreams.State> state;
    private final Clock clock;
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    private volatile Instant lastReplacement;

    public StreamsHealth(Supplier<KafkaStreams.State> state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    /**
     * Called when a failed stream thread is replaced. The restores the failed thread was running are
     * forgotten: a thread that dies is not told that they ended, and its replacement reports again
     * those it takes up; so no abandoned restore keeps the instance from ever being ready.
     */
    public void threadReplaced() {
        lastReplacement = clock.instant();
        restoring.clear();
    }

    /** Down once Kafka Streams has failed for good (or stopped): only a restart helps then. */
    Probe live() {
        KafkaStreams.State now = state.get();
        return switch (now) {
            case ERROR, PENDING_ERROR -> Probe.down(now, "Kafka Streams failed");
            case NOT_RUNNING -> Probe.down(now, "Kafka Streams has stopped");
            default -> Probe.up(now);
        };
    }

    Probe ready() {
        KafkaStreams.State now = state.get();
        if (now != KafkaStreams.State.RUNNING) {
            return Probe.down(now, "Kafka Streams is " + now + ", not RUNNING");
        }
        int stores = restoring.size();
        if (stores > 0) {
            return Probe.down(now, "restoring " + stores + " store partition(s) from their changelogs");
        }
        Instant replaced = lastReplacement;
        if (replaced != null) {
            Duration since = Duration.between(replaced, clock.instant());
            if (since.compareTo(REPLACEMENT_QUIET_PERIOD) < 0) {
                return Probe.down(
                        now,
                        "a failed stream thread was replaced " + since.toSeconds() + " s ago (ready again "
                                + REPLACEMENT_QUIET_PERIOD.toSeconds() + " s after the last replacement)");
            }
        }
        return Probe.up(now);
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        restoring.add(key(partition, storeName));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {}

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        restoring.remove(key(partition, storeName));
    }

    /** The task moved elsewhere before its restore ended. */
    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        restoring.remove(key(partition, storeName));
    }

    private static String key(TopicPartition partition, String storeName) {
        return storeName + "@" + partition;
    }

    /** One probe's answer. */
    record Probe(boolean up, KafkaStreams.State state, String reason) {

        static Probe up(KafkaStreams.State state) {
            return new Probe(true, state, null);
        }

        static Probe down(KafkaStreams.State state, String reason) {
            return new Probe(false, state, reason);
        }

        /** 200 or 503, with {@code {"status":"UP|DOWN","state":"...","reason":"..."}} (reason only when down). */
        Reply reply() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "UP" : "DOWN");
            body.put("state", state.name());
            if (!up) {
                body.put("reason", reason);
            }
            return Reply.json(up ? 200 : 503, body);
        }
    }
}
