package io.controlplane.cancel.metrics;

import java.time.Duration;
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
