package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.decision.CascadeRule;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.metrics.Outcome;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * One rate/total pair per outcome, in Kafka Streams' own metrics registry (group
 * {@code stream-cancel-processor-metrics}, tagged by task), so that they appear wherever the
 * application's other metrics are already collected (JMX, a metrics reporter). That is the one
 * place a decision is counted: the processor's {@link ProcessorObserver} (GET /metrics) is told
 * where each total is when the task opens and that it is final when the task closes, and reads it
 * from there; per decision it is told only the latency of a cancellation or rejection.
 */
final class DecisionMetrics {

    static final String SCOPE = "cancel-processor";
    static final String GROUP = "stream-" + SCOPE + "-metrics";

    private final TaskCounts counts;
    private final ProcessorObserver observer;
    private final Sensor cancelled;
    private final Sensor cancelling;
    private final Sensor alreadyCancelling;
    private final Sensor scheduled;
    private final Map<RejectionCode, Sensor> rejected = new EnumMap<>(RejectionCode.class);
    private final Sensor waiting;
    private final Sensor duplicate;
    private final Sensor staleRunState;

    DecisionMetrics(StreamsMetrics metrics, String taskId, ProcessorObserver observer) {
        this.observer = observer;
        counts = new TaskCounts(metrics, taskId, observer, Outcome.decisions());
        cancelled = counts.sensor(Outcome.of(Outcome.Kind.CANCELLED));
        cancelling = counts.sensor(Outcome.of(Outcome.Kind.CANCELLING));
        alreadyCancelling = counts.sensor(Outcome.of(Outcome.Kind.ALREADY_CANCELLING));
        scheduled = counts.sensor(Outcome.of(Outcome.Kind.SCHEDULED));
        for (RejectionCode code : RejectionCode.values()) {
            rejected.put(code, counts.sensor(Outcome.rejected(code)));
        }
        waiting = counts.sensor(Outcome.of(Outcome.Kind.WAITING));
        duplicate = counts.sensor(Outcome.of(Outcome.Kind.DUPLICATE));
        staleRunState = counts.sensor(Outcome.of(Outcome.Kind.RUN_STATE_IGNORED));
    }

    /** @param nowMs when it was decided, on the processor's clock */
    void record(CancelCommand command, Decision decision, long nowMs) {
        decision.accept(new Decision.Visitor<Void>() {
            @Override
            public Void cancel(Decision.Cancel cancel) {
                cancelled.record();
                observer.decided(latency(command, nowMs));
                return null;
            }

            @Override
            public Void reject(Decision.Reject reject) {
                rejected.get(reject.rejection().getCode()).record();
                observer.decided(latency(command, nowMs));
                return null;
            }

            @Override
            public Void waitForRun(Decision.Wait wait) {
                waiting.record();
                return null;
            }

            @Override
            public Void duplicate(Decision.Duplicate duplicate) {
                DecisionMetrics.this.duplicate.record();
                return null;
            }

            @Override
            public Void cancelling(Decision.Cancelling decision) {
                cancelling.record();
                observer.decided(latency(command, nowMs));
                return null;
            }

            @Override
            public Void hold(Decision.Hold hold) {
                scheduled.record();
                return null;
            }

            @Override
            public Void alreadyCancelling(Decision.AlreadyCancelling decision) {
                alreadyCancelling.record();
                return null;
            }
        });
    }

    /**
     * From the command's requestedAt to the decision. The record's own timestamp is not kept (the
     * processor reads every record on its own clock), so the time the client put in the command is
     * the only one there is; a client clock ahead of the processor's counts as no wait at all.
     */
    static Duration latency(CancelCommand command, long nowMs) {
        if (command.getRequestedAt() == null) {
            return Duration.ZERO;
        }
        long from = command.getRequestedAt().toEpochMilli();
        if (command.getNotBefore() != null) {
            // a scheduled command asked to be judged then: the time it was held is not a wait
            from = Math.max(from, command.getNotBefore().toEpochMilli());
        }
        return Duration.ofMillis(Math.max(0, nowMs - from));
    }

    void recordIgnoredRunState() {
        staleRunState.record();
    }

    void close() {
        counts.close();
    }

    /**
     * The cascade's own counts, beside the decisions': {@code cascade-cancelled} (a descendant
     * cancelled because its parent was), {@code cascade-skipped-terminal} (a descendant that had
     * ended already: counted, never rejected) and {@code cascade-skipped-other-tenant} (a descendant
     * in another tenant than the cancelled run: left alone); the cascade passes through both to
     * their children. A descendant the cascade reached before counts nothing. Told to the observer
     * as the decisions' are.
     */
    static final class Cascade {

        private final TaskCounts counts;
        private final Sensor cancelled;
        private final Sensor cancelling;
        private final Sensor skippedTerminal;
        private final Sensor skippedOtherTenant;

        Cascade(StreamsMetrics metrics, String taskId, ProcessorObserver observer) {
            counts = new TaskCounts(metrics, taskId, observer, Outcome.cascade());
            cancelled = counts.sensor(Outcome.of(Outcome.Kind.CASCADE_CANCELLED));
            cancelling = counts.sensor(Outcome.of(Outcome.Kind.CASCADE_CANCELLING));
            skippedTerminal = counts.sensor(Outcome.of(Outcome.Kind.CASCADE_SKIPPED_TERMINAL));
            skippedOtherTenant = counts.sensor(Outcome.of(Outcome.Kind.CASCADE_SKIPPED_OTHER_TENANT));
        }

        void record(CascadeRule.Result result) {
            // a PassThrough is counted by its reason; Nothing (the cascade was here before) is not counted
            if (result instanceof CascadeRule.Cancel) {
                cancelled.record();
            } else if (result instanceof CascadeRule.Cancelling) {
                cancelling.record();
            } else if (result instanceof CascadeRule.PassThrough pass) {
                (pass.reason() == CascadeRule.Reason.TERMINAL ? skippedTerminal : skippedOtherTenant).record();
            }
        }

        void close() {
            counts.close();
        }
    }

    /**
     * A task's bulk cancels: {@code bulk-cancelled} (a run a bulk cancelled; a dry run cancels
     * nothing and counts nothing here), told to the observer as the decisions' are; and one gauge per
     * state of {@link ProcessorObserver#HELD_BULK_STATES}, {@code bulks-running} and {@code
     * bulks-paused}: the bulks not ended that the task holds, told to the observer when the task
     * opens and dropped when it closes, since a task's bulks go wherever the task goes.
     */
    static final class Bulk {

        private final StreamsMetrics metrics;
        private final ProcessorObserver observer;
        private final TaskCounts counts;
        private final Sensor cancelled;
        private final Map<BulkState, Sensor> held = new EnumMap<>(BulkState.class);
        private final List<Metric> gauges = new ArrayList<>();

        Bulk(StreamsMetrics metrics, String taskId, ProcessorObserver observer) {
            this.metrics = metrics;
            this.observer = observer;
            counts = new TaskCounts(metrics, taskId, observer, Outcome.bulk());
            cancelled = counts.sensor(Outcome.of(Outcome.Kind.BULK_CANCELLED));
            String thread = Thread.currentThread().getName();
            for (BulkState state : ProcessorObserver.HELD_BULK_STATES) {
                String name = "bulks-" + state.name().toLowerCase(Locale.ROOT);
                // Tagged with the very tags (and their order) Kafka Streams gave the task's totals: JMX
                // names an MBean by its tags in that order, and a second name for the same task's MBean
                // would replace the first, hiding every other count of the task from JMX.
                MetricName gaugeName = new MetricName(
                        name, GROUP, "Bulk cancels not ended that this task holds in state " + state, counts.tags());
                Sensor sensor = metrics.addSensor(thread + "." + taskId + "." + name, Sensor.RecordingLevel.INFO);
                sensor.add(gaugeName, new Value());
                Metric gauge = metrics.metrics().get(gaugeName);
                held.put(state, sensor);
                gauges.add(gauge);
                observer.holdingBulks(state, gauge);
            }
        }

        /** A bulk cancelled a run. */
        void cancelled() {
            cancelled.record();
        }

        /** How many bulks the task holds now, by state. */
        void held(ToIntFunction<BulkState> count) {
            held.forEach((state, sensor) -> sensor.record(count.applyAsInt(state)));
        }

        void close() {
            gauges.forEach(observer::holdingBulksEnded);
            held.values().forEach(metrics::removeSensor);
            counts.close();
        }
    }

    /**
     * Cancellation over time's own counts: how graceful cancels end ({@code graceful-confirmed},
     * {@code graceful-escalated}, {@code graceful-ended-otherwise}), held commands fired
     * ({@code scheduled-fired}) and deadlines fired ({@code deadline-fired}).
     */
    static final class OverTime {

        private final TaskCounts counts;
        private final Sensor confirmed;
        private final Sensor escalated;
        private final Sensor endedOtherwise;
        private final Sensor fired;
        private final Sensor deadline;

        OverTime(StreamsMetrics metrics, String taskId, ProcessorObserver observer) {
            counts = new TaskCounts(metrics, taskId, observer, Outcome.overTime());
            confirmed = counts.sensor(Outcome.of(Outcome.Kind.GRACEFUL_CONFIRMED));
            escalated = counts.sensor(Outcome.of(Outcome.Kind.GRACEFUL_ESCALATED));
            endedOtherwise = counts.sensor(Outcome.of(Outcome.Kind.GRACEFUL_ENDED_OTHERWISE));
            fired = counts.sensor(Outcome.of(Outcome.Kind.SCHEDULED_FIRED));
            deadline = counts.sensor(Outcome.of(Outcome.Kind.DEADLINE_FIRED));
        }

        void confirmed() {
            confirmed.record();
        }

        void escalated() {
            escalated.record();
        }

        void endedOtherwise() {
            endedOtherwise.record();
        }

        void fired() {
            fired.record();
        }

        void deadline() {
            deadline.record();
        }

        void close() {
            counts.close();
        }
    }

    /**
     * One task's rate/total sensor per outcome, and each one's {@code -total} metric, which the
     * observer is told to read from the task's opening to its closing.
     */
    private static final class TaskCounts {

        private final StreamsMetrics metrics;
        private final ProcessorObserver observer;
        private final Map<Outcome, Sensor> sensors = new LinkedHashMap<>();
        private final List<Metric> totals = new ArrayList<>();

        TaskCounts(StreamsMetrics metrics, String taskId, ProcessorObserver observer, List<Outcome> outcomes) {
            this.metrics = metrics;
            this.observer = observer;
            for (Outcome outcome : outcomes) {
                sensors.put(
                        outcome,
                        metrics.addRateTotalSensor(SCOPE, taskId, outcome.sensor(), Sensor.RecordingLevel.INFO));
            }
            Map<String, Metric> ownTotals = ownTotals(metrics, taskId);
            for (Outcome outcome : outcomes) {
                Metric total = ownTotals.get(outcome.sensor() + "-total");
                if (total == null) {
                    throw new IllegalStateException("Kafka Streams registered no " + outcome.sensor()
                            + "-total for task " + taskId + " in " + GROUP + ": found " + ownTotals.keySet());
                }
                totals.add(total);
                observer.counting(outcome, total);
            }
        }

        /**
         * The totals the sensors just added registered, by name: Kafka Streams tags a custom sensor's
         * metrics with the stream thread that added them and {@code <scope>-id} = the entity, here
         * the task. Read once, when the task opens.
         */
        private static Map<String, Metric> ownTotals(StreamsMetrics metrics, String taskId) {
            String thread = Thread.currentThread().getName();
            Map<String, Metric> totals = new HashMap<>();
            for (Map.Entry<MetricName, ? extends Metric> metric :
                    metrics.metrics().entrySet()) {
                MetricName name = metric.getKey();
                if (name.group().equals(GROUP)
                        && name.name().endsWith("-total")
                        && taskId.equals(name.tags().get(SCOPE + "-id"))
                        && thread.equals(name.tags().get("thread-id"))) {
                    totals.put(name.name(), metric.getValue());
                }
            }
            return totals;
        }

        Sensor sensor(Outcome outcome) {
            return sensors.get(outcome);
        }

        /** The tags Kafka Streams gave these counts, in its order (thread and task). */
        Map<String, String> tags() {
            return totals.get(0).metricName().tags();
        }

        /** The observer keeps the totals' last values before Kafka Streams forgets them. */
        void close() {
            totals.forEach(observer::countingEnded);
            sensors.values().forEach(metrics::removeSensor);
        }
    }
}
