package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.decision.CascadeRule;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * One rate/total pair per outcome, in Kafka Streams' own metrics registry (group
 * {@code stream-cancel-processor-metrics}, tagged by task), so that they appear wherever the
 * application's other metrics are already collected (JMX, a metrics reporter); and the same
 * outcomes, with how long each command took, told to the processor's {@link ProcessorObserver}
 * (GET /metrics).
 */
final class DecisionMetrics {

    static final String SCOPE = "cancel-processor";

    private final StreamsMetrics metrics;
    private final ProcessorObserver observer;
    private final Sensor cancelled;
    private final Map<RejectionCode, Sensor> rejected = new EnumMap<>(RejectionCode.class);
    private final Sensor waiting;
    private final Sensor duplicate;
    private final Sensor staleRunState;

    DecisionMetrics(StreamsMetrics metrics, String taskId, ProcessorObserver observer) {
        this.metrics = metrics;
        this.observer = observer;
        cancelled = sensor(taskId, "cancelled");
        for (RejectionCode code : RejectionCode.values()) {
            rejected.put(
                    code, sensor(taskId, "rejected-" + code.name().toLowerCase().replace('_', '-')));
        }
        waiting = sensor(taskId, "waiting");
        duplicate = sensor(taskId, "duplicate");
        staleRunState = sensor(taskId, "run-state-ignored");
    }

    /** @param nowMs when it was decided, on the processor's clock */
    void record(CancelCommand command, Decision decision, long nowMs) {
        decision.accept(new Decision.Visitor<Void>() {
            @Override
            public Void cancel(Decision.Cancel cancel) {
                cancelled.record();
                observer.cancelled(latency(command, nowMs));
                return null;
            }

            @Override
            public Void reject(Decision.Reject reject) {
                RejectionCode code = reject.rejection().getCode();
                rejected.get(code).record();
                observer.rejected(code, latency(command, nowMs));
                return null;
            }

            @Override
            public Void waitForRun(Decision.Wait wait) {
                waiting.record();
                observer.waiting();
                return null;
            }

            @Override
            public Void duplicate(Decision.Duplicate duplicate) {
                DecisionMetrics.this.duplicate.record();
                observer.duplicate();
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
        return Duration.ofMillis(Math.max(0, nowMs - command.getRequestedAt().toEpochMilli()));
    }

    void recordIgnoredRunState() {
        staleRunState.record();
        observer.runStateIgnored();
    }

    void close() {
        metrics.removeSensor(cancelled);
        rejected.values().forEach(metrics::removeSensor);
        metrics.removeSensor(waiting);
        metrics.removeSensor(duplicate);
        metrics.removeSensor(staleRunState);
    }

    private Sensor sensor(String taskId, String outcome) {
        return metrics.addRateTotalSensor(SCOPE, taskId, outcome, Sensor.RecordingLevel.INFO);
    }

    /**
     * The cascade's own counts, beside the decisions': {@code cascade-cancelled} (a descendant
     * cancelled because its parent was), {@code cascade-skipped-terminal} (a descendant that had
     * ended already: counted, never rejected) and {@code cascade-skipped-other-tenant} (a descendant
     * in another tenant than the cancelled run: left alone); the cascade passes through both to
     * their children. A descendant the cascade reached before counts nothing.
     */
    static final class Cascade {

        private final StreamsMetrics metrics;
        private final Sensor cancelled;
        private final Sensor skippedTerminal;
        private final Sensor skippedOtherTenant;

        Cascade(StreamsMetrics metrics, String taskId) {
            this.metrics = metrics;
            cancelled = metrics.addRateTotalSensor(SCOPE, taskId, "cascade-cancelled", Sensor.RecordingLevel.INFO);
            skippedTerminal =
                    metrics.addRateTotalSensor(SCOPE, taskId, "cascade-skipped-terminal", Sensor.RecordingLevel.INFO);
            skippedOtherTenant = metrics.addRateTotalSensor(
                    SCOPE, taskId, "cascade-skipped-other-tenant", Sensor.RecordingLevel.INFO);
        }

        void record(CascadeRule.Result result) {
            if (result instanceof CascadeRule.Cancel) {
                cancelled.record();
            } else if (result instanceof CascadeRule.PassThrough pass) {
                (pass.reason() == CascadeRule.Reason.TERMINAL ? skippedTerminal : skippedOtherTenant).record();
            }
        }

        void close() {
            metrics.removeSensor(cancelled);
            metrics.removeSensor(skippedTerminal);
            metrics.removeSensor(skippedOtherTenant);
        }
    }
}
