package io.controlplane.cancel.metrics;

import io.controlplane.cancel.avro.RejectionCode;
import java.time.Duration;
import java.util.Map;

/**
 * What the topology and the exception handlers tell the operator's metrics (GET /metrics), without
 * knowing how they are kept. Kafka Streams builds the handlers itself, from the configuration, so
 * the running processor's observer travels in the Kafka Streams configuration under {@link #CONFIG}
 * and is found there by {@link #of(Map)}; without it (TopologyTestDriver tests, the CLI) nothing is
 * observed.
 */
public interface ProcessorObserver {

    /** The Kafka Streams configuration key holding the processor's observer (an object, not text). */
    String CONFIG = "cancel.internal.processor.observer";

    /** Observes nothing. */
    ProcessorObserver NONE = new ProcessorObserver() {};

    /** A run was cancelled; {@code latency} from the command's requestedAt to now, never negative. */
    default void cancelled(Duration latency) {}

    /** A command was rejected; {@code latency} as for {@link #cancelled(Duration)}. */
    default void rejected(RejectionCode code, Duration latency) {}

    /** A command already decided (or already waiting) came again and produced nothing. */
    default void duplicate() {}

    /** A command began to wait for its run's state. */
    default void waiting() {}

    /** A run state was not newer than the one held, and was ignored. */
    default void runStateIgnored() {}

    /** A record read from {@code topic} was put on the dead-letter queue. */
    default void deadLettered(String topic) {}

    /** The observer held in {@code configs}, or {@link #NONE}. */
    static ProcessorObserver of(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof ProcessorObserver observer ? observer : NONE;
    }
}
