package io.controlplane.cancel.http;

import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.metrics.ProcessorObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processor's metrics in Prometheus' text format (GET /metrics): Kafka Streams' own (through
 * Micrometer's binder), the JVM's, and the processor's:
 *
 * <ul>
 *   <li>{@code cancel_decisions_total{outcome,code}}: outcome cancelled, rejected, duplicate, waiting or
 *       run_state_ignored; code the RejectionCode of a rejection, {@code none} otherwise
 *   <li>{@code cancel_decision_latency_seconds}: histogram, from a command's requestedAt to its
 *       cancellation or rejection
 *   <li>{@code cancel_waiting_commands}: commands waiting for their run's state in this instance's tasks
 *   <li>{@code cancel_dead_letters_total{topic}}: records dead-lettered, by the topic they were read from
 *   <li>{@code cancel_thread_replacements_total}: failed stream threads replaced
 *   <li>{@code cancel_ready}: 1 while GET /health/ready answers 200, else 0 (for an alert rule)
 * </ul>
 *
 * Every counter of a known outcome, code and input topic exists from the start, at 0, so that a
 * dashboard and the alert rules find each series before it first moves.
 */
public final class ProcessorMeters implements ProcessorObserver, AutoCloseable {

    static final String DECISIONS = "cancel.decisions";
    static final String LATENCY = "cancel.decision.latency";
    static final String WAITING = "cancel.waiting.commands";
    static final String DEAD_LETTERS = "cancel.dead.letters";
    static final String THREAD_REPLACEMENTS = "cancel.thread.replacements";
    static final String READY = "cancel.ready";
    static final String NO_CODE = "none";

    /** Buckets around what matters: immediate decisions (ms), and ones that waited for a run (seconds, the grace). */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter cancelled;
    private final Map<RejectionCode, Counter> rejected = new EnumMap<>(RejectionCode.class);
    private final Counter duplicate;
    private final Counter waiting;
    private final Counter runStateIgnored;
    private final Timer latency;
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private KafkaStreamsMetrics streamsMetrics;

    /** @param inputTopics the topics records are read from, whose dead-letter counters start at 0 */
    public ProcessorMeters(Set<String> inputTopics) {
        cancelled = decisions("cancelled", NO_CODE);
        for (RejectionCode code : RejectionCode.values()) {
            rejected.put(code, decisions("rejected", code.name()));
        }
        duplicate = decisions("duplicate", NO_CODE);
        waiting = decisions("waiting", NO_CODE);
        runStateIgnored = decisions("run_state_ignored", NO_CODE);
        latency = Timer.builder(LATENCY)
                .description("From a command's requestedAt to its cancellation or rejection")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        inputTopics.forEach(this::deadLetterCounter);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * Adds what only the running instance knows: Kafka Streams' metrics, how many stream threads
     * were replaced, and how many commands wait (a cheap estimate: never a scan of the stores).
     */
    public void bind(
            KafkaStreams streams,
            LongSupplier threadReplacements,
            DoubleSupplier waitingCommands,
            BooleanSupplier ready) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        FunctionCounter.builder(THREAD_REPLACEMENTS, threadReplacements, LongSupplier::getAsLong)
                .description("Failed stream threads replaced since start")
                .register(registry);
        Gauge.builder(WAITING, waitingCommands, DoubleSupplier::getAsDouble)
                .strongReference(true)
                .description("Commands waiting for their run's state in this instance's tasks (estimate)")
                .register(registry);
        Gauge.builder(READY, ready, probe -> probe.getAsBoolean() ? 1 : 0)
                .strongReference(true)
                .description("1 while GET /health/ready answers 200, else 0")
                .register(registry);
    }

    /** Prometheus' text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void cancelled(Duration latency) {
        cancelled.increment();
        this.latency.record(latency);
    }

    @Override
    public void rejected(RejectionCode code, Duration latency) {
        rejected.get(code).increment();
        this.latency.record(latency);
    }

    @Override
    public void duplicate() {
        duplicate.increment();
    }

    @Override
    public void waiting() {
        waiting.increment();
    }

    @Override
    public void runStateIgnored() {
        runStateIgnored.increment();
    }

    @Override
    public void deadLettered(String topic) {
        deadLetterCounter(topic).increment();
    }

    private Counter decisions(String outcome, String code) {
        return Counter.builder(DECISIONS)
                .description("Commands and run states decided, by outcome and rejection code")
                .tag("outcome", outcome)
                .tag("code", code)
                .register(registry);
    }

    /** The processor reads a handful of topics (its inputs, its repartition topic): the map stays that small. */
    private Counter deadLetterCounter(String topic) {
        return deadLetters.computeIfAbsent(
                topic,
                name -> Counter.builder(DEAD_LETTERS)
                        .description("Records put on the dead-letter queue, by the topic they were read from")
                        .tag("topic", name)
                        .register(registry));
    }

    @Override
    public void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        gc.close();
        registry.close();
    }
}
