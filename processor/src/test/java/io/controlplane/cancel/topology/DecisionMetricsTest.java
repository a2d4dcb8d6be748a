package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.metrics.Outcome;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DecisionMetricsTest {

    private final RecordingObserver observer = new RecordingObserver();
    private final CancelDriver cancel = new CancelDriver(Map.of(ProcessorObserver.CONFIG, observer));

    @AfterEach
    void close() {
        cancel.close();
    }

    private Map<String, Double> totals() {
        return cancel.driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-" + DecisionMetrics.SCOPE + "-metrics"))
                .filter(e -> e.getKey().name().endsWith("-total"))
                .collect(Collectors.toMap(
                        e -> e.getKey().name(), e -> (Double) e.getValue().metricValue(), Double::sum));
    }

    @Test
    void everyDecisionIncrementsAMetricByOutcome() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        var accepted = cancel.cancel("run-1", "alice");
        cancel.send("run-1", accepted);
        cancel.cancel("run-1", "alice");
        cancel.cancel("run-1", "mallory");
        cancel.send("run-1", cancel.command(null, "run-1", "alice"));
        cancel.cancel("run-9", "alice");
        cancel.runState("run-2", RunStatus.RUNNING, 1);
        cancel.send("run-2", graceful(cancel.command("g-1", "run-2", "alice")));
        cancel.send("run-2", graceful(cancel.command("g-2", "run-2", "alice")));
        cancel.send(
                "run-3",
                CancelCommand.newBuilder(cancel.command("later-1", "run-3", "alice"))
                        .setNotBefore(cancel.wallClock().plus(Duration.ofHours(1)))
                        .build());
        cancel.advanceWallClock(Duration.ofSeconds(11));

        assertThat(totals())
                .containsAllEntriesOf(Map.ofEntries(
                        Map.entry("cancelled-total", 1.0),
                        Map.entry("cancelling-total", 1.0),
                        Map.entry("already-cancelling-total", 1.0),
                        Map.entry("scheduled-total", 1.0),
                        Map.entry("duplicate-total", 1.0),
                        Map.entry("rejected-already-terminal-total", 1.0),
                        Map.entry("rejected-unauthorized-total", 1.0),
                        Map.entry("rejected-invalid-command-total", 1.0),
                        Map.entry("waiting-total", 1.0),
                        Map.entry("rejected-execution-not-found-total", 1.0),
                        Map.entry("run-state-ignored-total", 1.0)));
    }

    private static CancelCommand graceful(CancelCommand command) {
        return CancelCommand.newBuilder(command).setMode(CancelMode.GRACEFUL).build();
    }

    @Test
    void theObserverIsToldEachCancellationsAndRejectionsLatencyFromRequestedAtAndNothingElsePerRecord() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        CancelCommand accepted = cancel.cancel("run-1", "alice");
        // The driver's requestedAt runs a little ahead of its wall clock: no latency, not a negative one.
        long cancelledAfter = Math.max(
                0, cancel.wallClock().toEpochMilli() - accepted.getRequestedAt().toEpochMilli());
        cancel.send("run-1", accepted);
        CancelCommand waited = cancel.cancel("run-9", "alice");
        cancel.advanceWallClock(Duration.ofSeconds(11));
        long rejectedAfter =
                cancel.wallClock().toEpochMilli() - waited.getRequestedAt().toEpochMilli();

        // the ignored run state, the duplicate and the wait are counted by the task alone
        assertThat(observer.events).containsExactly("decided " + cancelledAfter, "decided " + rejectedAfter);
        assertThat(rejectedAfter).isGreaterThanOrEqualTo(Duration.ofSeconds(10).toMillis());
    }

    @Test
    void theObserverIsToldWhereTheTaskCountsEachOutcomeWhenItOpensAndThatItIsFinalWhenItCloses() {
        List<Outcome> everyOutcome = new ArrayList<>(Outcome.decisions());
        everyOutcome.addAll(Outcome.cascade());
        everyOutcome.addAll(Outcome.bulk());
        everyOutcome.addAll(Outcome.overTime());
        assertThat(observer.counting.values()).containsExactlyInAnyOrderElementsOf(everyOutcome);
        Map<MetricName, ? extends Metric> registry = cancel.driver.metrics();
        observer.counting.forEach((total, outcome) -> {
            assertThat(total.metricName().group()).isEqualTo("stream-cancel-processor-metrics");
            assertThat(total.metricName().name()).isEqualTo(outcome.sensor() + "-total");
            assertThat(registry.get(total.metricName()))
                    .as("the total in Kafka Streams' registry itself")
                    .isSameAs(total);
        });
        assertThat(observer.ended).isEmpty();

        cancel.close();
        assertThat(observer.ended).containsExactlyInAnyOrderElementsOf(everyOutcome);
    }

    @Test
    void aRequestedAtAheadOfTheProcessorsClockCountsAsNoLatency() {
        CancelCommand fromTheFuture = CancelCommand.newBuilder()
                .setCommandId("c-1")
                .setExecutionId("e-1")
                .setCancelledBy("alice")
                .setRequestedAt(Instant.ofEpochMilli(5_000))
                .build();

        assertThat(DecisionMetrics.latency(fromTheFuture, 4_000)).isEqualTo(Duration.ZERO);
        assertThat(DecisionMetrics.latency(fromTheFuture, 5_250)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aScheduledCommandsLatencyRunsFromItsNotBeforeNotFromWhileItWasHeld() {
        CancelCommand scheduled = CancelCommand.newBuilder()
                .setCommandId("c-1")
                .setExecutionId("e-1")
                .setCancelledBy("alice")
                .setRequestedAt(Instant.ofEpochMilli(5_000))
                .setMode(CancelMode.FORCE)
                .setNotBefore(Instant.ofEpochMilli(3_605_000))
                .build();

        assertThat(DecisionMetrics.latency(scheduled, 3_605_300)).isEqualTo(Duration.ofMillis(300));
    }
}
