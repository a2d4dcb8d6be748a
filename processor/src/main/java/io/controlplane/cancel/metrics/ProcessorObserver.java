package io.controlplane.cancel.metrics;

import io.controlplane.cancel.avro.BulkState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;

/**
 * What the topology and the exception handlers tell the operator's metrics (GET /metrics), without
 * knowing how they are kept. Kafka Streams builds the handlers itself, from the configuration, so
 * the running processor's observer travels in the Kafka Streams configuration under {@link #CONFIG}
 * and is found there by {@link #of(Map)}; without it (TopologyTestDriver tests, the CLI) nothing is
 * observed.
 *
 * <p>A decision is counted once, by its task, in Kafka Streams' registry (see {@link Outcome}): the
 * observer is told where that count is when the task opens ({@link #counting}) and that it is final
 * when the task closes ({@link #countingEnded}), never once per decision; per decision it is told
 * only what Kafka Streams' registry cannot hold, the latency.
 */
public interface ProcessorObserver {

    /** The Kafka Streams configuration key holding the processor's observer (an object, not text). */
    String CONFIG = "cancel.internal.processor.observer";

    /** The states of the bulk cancels a task holds, as counted for a gauge: those not ended. */
    List<BulkState> HELD_BULK_STATES = List.of(BulkState.RUNNING, BulkState.PAUSED);

    /** Observes nothing. */
    ProcessorObserver NONE = new ProcessorObserver() {};

    /**
     * A task counts {@code outcome} in {@code total}, a cumulative metric of Kafka Streams' registry,
     * from now on: its value is every such outcome the task has counted. Told once per task and
     * outcome, on the task's stream thread; {@code total} may be read from any thread.
     */
    default void counting(Outcome outcome, Metric total) {}

    /**
     * The task is closing: {@code total} counts no more, and Kafka Streams is about to remove it
     * from its registry; what it counted still happened.
     */
    default void countingEnded(Metric total) {}

    /**
     * A task holds {@code held} bulk cancels in {@code state} (one of {@link #HELD_BULK_STATES}), a
     * gauge of Kafka Streams' registry, from now on: its value is how many the task holds now. Told
     * once per task and state, on the task's stream thread; {@code held} may be read from any thread.
     */
    default void holdingBulks(BulkState state, Metric held) {}

    /**
     * The task is closing: the bulks it held are no longer held here (the task that opens next for
     * that partition, here or on another instance, tells its own).
     */
    default void holdingBulksEnded(Metric held) {}

    /**
     * A command was cancelled or rejected, {@code latency} after its requestedAt (never negative).
     * Only the distribution: the decision itself is counted by its task ({@link #counting}).
     */
    default void decided(Duration latency) {}

    /** A record read from {@code topic} was put on the dead-letter queue. */
    default void deadLettered(String topic) {}

    /** The observer held in {@code configs}, or {@link #NONE}. */
    static ProcessorObserver of(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof ProcessorObserver observer ? observer : NONE;
    }
}
