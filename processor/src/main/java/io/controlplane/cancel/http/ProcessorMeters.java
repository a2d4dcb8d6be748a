package io.controlplane.cancel.http;

import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.metrics.Outcome;
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
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processor's metrics in Prometheus' text format (GET /metrics): Kafka Streams' own (through
 * Micrometer's binder), the JVM's, and the processor's:
 *
 * <ul>
 *   <li>{@code cancel_decisions_total{outcome,code}}: outcome cancelled, cancelling, already_cancelling,
 *       scheduled, rejected, duplicate, waiting or run_state_ignored; code the RejectionCode of a
 *       rejection, {@code none} otherwise
 *   <li>{@code cancel_cascade_descendants_total{outcome}}: descendants the cascade reached, cancelled,
 *       skipped_terminal or skipped_other_tenant
 *   <li>{@code cancel_bulk_cancelled_total}: runs bulk cancels cancelled
 *   <li>{@code cancel_graceful_total{outcome}}: graceful cancels ended, confirmed (upstream reported
 *       CANCELLED), escalated (forced) or ended_otherwise (upstream reported another terminal status)
 *   <li>{@code cancel_scheduled_total{event}}: commands with a notBefore ahead, held (on arrival) or
 *       fired (their notBefore came and they were judged)
 *   <li>{@code cancel_deadlines_fired_total}: runs cancelled because their deadlineAt passed
 *   <li>{@code cancel_bulks{state}}: bulk cancels not ended that this instance's tasks hold, RUNNING or
 *       PAUSED
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
 *
 * <p>Decisions, the cascade's steps, bulk cancellations and cancellation over time's ends and fires are not counted here: each is counted once, by its task, in
 * Kafka Streams' registry, and their counters read those totals ({@link #counting}), summed over the
 * tasks; a closed task's last totals are kept ({@link #countingEnded}), so that a counter never goes
 * back when a rebalance moves a task away or back. Only the latency is recorded here, per decision.
 * The bulks held are a gauge of each task in that registry too ({@link #holdingBulks}), summed over
 * the open tasks only: a closed task's bulks are held by whichever instance opens it next.
 */
public final class ProcessorMeters implements ProcessorObserver, AutoCloseable {

    static final String DECISIONS = "cancel.decisions";
    static final String CASCADE = "cancel.cascade.descendants";
    static final String BULK_CANCELLED = "cancel.bulk.cancelled";
    static final String BULKS = "cancel.bulks";
    static final String GRACEFUL = "cancel.graceful";
    static final String SCHEDULED = "cancel.scheduled";
    static final String DEADLINES_FIRED = "cancel.deadlines.fired";
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
    /** Guards {@link #openTotals} and {@link #closedCounts}: tasks open and close on stream threads, scrapes read. */
    private final Object counts = new Object();
    /** The totals of the tasks open now, each read at every scrape. */
    private final Map<Metric, Outcome> openTotals = new IdentityHashMap<>();
    /** What the tasks closed since start counted, by outcome. */
    private final Map<Outcome, Double> closedCounts = new HashMap<>();
    /** The bulk gauges of the tasks open now, by state; also guarded by {@link #counts}. */
    private final Map<Metric, BulkState> heldBulks = new IdentityHashMap<>();

    private final Timer latency;
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private KafkaStreamsMetrics streamsMetrics;

    /** @param inputTopics the topics records are read from, whose dead-letter counters start at 0 */
    public ProcessorMeters(Set<String> inputTopics) {
        for (Outcome outcome : Outcome.decisions()) {
            FunctionCounter.builder(DECISIONS, this, meters -> meters.count(outcome))
                    .description("Commands and run states decided, by outcome and rejection code")
                    .tag("outcome", outcome.kind().name().toLowerCase(Locale.ROOT))
                    .tag(
                            "code",
                            outcome.code() == null ? NO_CODE : outcome.code().name())
                    .register(registry);
        }
        for (Outcome outcome : Outcome.cascade()) {
            FunctionCounter.builder(CASCADE, this, meters -> meters.count(outcome))
                    .description("Descendants the cascade reached, by what it did to them")
                    .tag(
                            "outcome",
                            outcome.kind().name().substring("CASCADE_".length()).toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        for (Outcome outcome : Outcome.bulk()) {
            FunctionCounter.builder(BULK_CANCELLED, this, meters -> meters.count(outcome))
                    .description("Runs cancelled by bulk cancels")
                    .register(registry);
        }
        for (Outcome.Kind kind : List.of(
                Outcome.Kind.GRACEFUL_CONFIRMED,
                Outcome.Kind.GRACEFUL_ESCALATED,
                Outcome.Kind.GRACEFUL_ENDED_OTHERWISE)) {
            Outcome outcome = Outcome.of(kind);
            FunctionCounter.builder(GRACEFUL, this, meters -> meters.count(outcome))
                    .description(
                            "Graceful cancels ended, by how: upstream confirmed, forced, or the run ended otherwise")
                    .tag("outcome", kind.name().substring("GRACEFUL_".length()).toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        // held is the decisions' own SCHEDULED count, read again beside what fired
        Map.of("held", Outcome.Kind.SCHEDULED, "fired", Outcome.Kind.SCHEDULED_FIRED)
                .forEach((event, kind) -> FunctionCounter.builder(
                                SCHEDULED, this, meters -> meters.count(Outcome.of(kind)))
                        .description("Commands with a notBefore ahead: held on arrival, and fired when it came")
                        .tag("event", event)
                        .register(registry));
        FunctionCounter.builder(DEADLINES_FIRED, this, meters -> meters.count(Outcome.of(Outcome.Kind.DEADLINE_FIRED)))
                .description("Runs whose deadlineAt passed with the run not ended, which the processor then cancelled")
                .register(registry);
        for (BulkState state : ProcessorObserver.HELD_BULK_STATES) {
            Gauge.builder(BULKS, this, meters -> meters.held(state))
                    .description("Bulk cancels not ended that this instance's tasks hold, by state")
                    .tag("state", state.name())
                    .register(registry);
        }
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
        bindInstance(threadReplacements, waitingCommands, ready);
    }

    /**
     * What {@link #bind} adds besides Kafka Streams' own metrics. A function counter holds its
     * object only weakly, so its object is this instance (held as long as the server is), not the
     * supplier, which nothing else holds: once collected, the counter would stay at its last value
     * for good, and the thread-replacement alert would never fire.
     */
    void bindInstance(LongSupplier threadReplacements, DoubleSupplier waitingCommands, BooleanSupplier ready) {
        FunctionCounter.builder(THREAD_REPLACEMENTS, this, meters -> threadReplacements.getAsLong())
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
    public void counting(Outcome outcome, Metric total) {
        synchronized (counts) {
            openTotals.put(total, outcome);
        }
    }

    /** Keeps the total's last value; told again, or of a total never counted, it does nothing. */
    @Override
    public void countingEnded(Metric total) {
        synchronized (counts) {
            Outcome outcome = openTotals.remove(total);
            if (outcome != null) {
                closedCounts.merge(outcome, value(total), Double::sum);
            }
        }
    }

    /** Every {@code outcome} counted since start: by the tasks closed, and by those open now. */
    private double count(Outcome outcome) {
        synchronized (counts) {
            double sum = closedCounts.getOrDefault(outcome, 0.0);
            for (Map.Entry<Metric, Outcome> total : openTotals.entrySet()) {
                if (total.getValue().equals(outcome)) {
                    sum += value(total.getKey());
                }
            }
            return sum;
        }
    }

    @Override
    public void holdingBulks(BulkState state, Metric held) {
        synchronized (counts) {
            heldBulks.put(held, state);
        }
    }

    @Override
    public void holdingBulksEnded(Metric held) {
        synchronized (counts) {
            heldBulks.remove(held);
        }
    }

    /** The bulks in {@code state} the tasks open now hold. */
    private double held(BulkState state) {
        synchronized (counts) {
            double sum = 0;
            for (Map.Entry<Metric, BulkState> gauge : heldBulks.entrySet()) {
                if (gauge.getValue() == state) {
                    sum += value(gauge.getKey());
                }
            }
            return sum;
        }
    }

    private static double value(Metric total) {
        return total.metricValue() instanceof Number number ? number.doubleValue() : 0;
    }

    @Override
    public void decided(Duration latency) {
        this.latency.record(latency);
    }

    @Override
    public void deadLettered(String topic) {
        deadLetterCounter(topic).increment();
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
