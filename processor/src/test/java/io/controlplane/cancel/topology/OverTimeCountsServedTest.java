package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.http.ProcessorMeters;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cancellation over time as GET /metrics serves it, from the topology's own counts: each graceful
 * cancel's end, each command held and fired, each deadline fired, and the new decision kinds, once
 * each, and the same number in Kafka Streams' registry. As in OneCountPerDecisionTest, the series
 * are written out: they are README's metrics table.
 */
class OverTimeCountsServedTest {

    /** Short, so that the task's start-up hold (one grace of reading before anything is due) is too. */
    private static final Duration NOT_FOUND_GRACE = Duration.ofSeconds(1);

    private final ProcessorMeters meters = new ProcessorMeters(Set.of());
    private final CancelDriver cancel = new CancelDriver(Map.of(
            ProcessorObserver.CONFIG, meters, CancelProcessorConfig.NOT_FOUND_GRACE_MS, NOT_FOUND_GRACE.toMillis()));

    @AfterEach
    void close() {
        cancel.close();
        meters.close();
    }

    @Test
    void eachEndOfAGracefulCancelEachHeldAndFiredCommandAndEachDeadlineIsCountedOnceAndServed() {
        cancel.admin("alice");
        cancel.advanceWallClock(NOT_FOUND_GRACE);
        Instant now = cancel.wallClock();
        for (String run : new String[] {"confirmed", "escalated", "forced", "ended", "scheduled"}) {
            runState(run, RunStatus.RUNNING, 1, null);
        }
        runState("deadline", RunStatus.RUNNING, 1, now.plusSeconds(3));

        // confirmed: upstream reports the run CANCELLED within its grace
        send(command("g-confirmed", "confirmed", CancelMode.GRACEFUL, null, null));
        runState("confirmed", RunStatus.CANCELLED, 2, null);
        // escalated twice: a grace of 2 s that ends, and a FORCE command for a run stopping gracefully
        send(command("g-escalated", "escalated", CancelMode.GRACEFUL, 2_000L, null));
        send(command("g-escalated-again", "escalated", CancelMode.GRACEFUL, null, null));
        send(command("g-forced", "forced", CancelMode.GRACEFUL, null, null));
        send(command("f-forced", "forced", CancelMode.FORCE, null, null));
        // ended otherwise: the run completes on its own while stopping
        send(command("g-ended", "ended", CancelMode.GRACEFUL, null, null));
        runState("ended", RunStatus.COMPLETED, 2, null);
        // held until 5 s from now, then judged
        send(command("s-scheduled", "scheduled", CancelMode.FORCE, null, now.plusSeconds(5)));

        cancel.advanceWallClock(Duration.ofSeconds(6));

        Map<String, String> escalated = cancel.changes().stream()
                .map(TestRecord::value)
                .filter(change -> change.getStatus() == RunStatus.CANCELLED)
                .collect(Collectors.toMap(
                        RunStateChange::getExecutionId,
                        change -> change.getCommandId() + (change.getEscalated() ? " escalated" : "")));
        assertThat(escalated)
                .as("what happened, that the counts below count")
                .containsOnly(
                        Map.entry("confirmed", "g-confirmed"),
                        Map.entry("escalated", "g-escalated escalated"),
                        Map.entry("forced", "f-forced escalated"),
                        Map.entry("scheduled", "s-scheduled"),
                        Map.entry("deadline", "deadline/deadline"));

        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("cancel_graceful_total{outcome=\"confirmed\"}", 1.0);
        expected.put("cancel_graceful_total{outcome=\"escalated\"}", 2.0);
        expected.put("cancel_graceful_total{outcome=\"ended_otherwise\"}", 1.0);
        expected.put("cancel_scheduled_total{event=\"held\"}", 1.0);
        expected.put("cancel_scheduled_total{event=\"fired\"}", 1.0);
        expected.put("cancel_deadlines_fired_total", 1.0);
        expected.put("cancel_decisions_total{code=\"none\",outcome=\"cancelling\"}", 4.0);
        expected.put("cancel_decisions_total{code=\"none\",outcome=\"already_cancelling\"}", 1.0);
        expected.put("cancel_decisions_total{code=\"none\",outcome=\"scheduled\"}", 1.0);
        // the FORCE command, the held command once fired, and the deadline's: not the grace's escalation
        expected.put("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"}", 3.0);
        Map<String, Double> served = new LinkedHashMap<>();
        expected.keySet().forEach(series -> served.put(series, served(series)));
        assertThat(served).isEqualTo(expected);

        Map<String, Double> streams = new LinkedHashMap<>();
        for (String total : new String[] {
            "graceful-confirmed-total",
            "graceful-escalated-total",
            "graceful-ended-otherwise-total",
            "scheduled-total",
            "scheduled-fired-total",
            "deadline-fired-total"
        }) {
            streams.put(total, streamsTotal(total));
        }
        assertThat(streams)
                .as("Kafka Streams' registry counts the same")
                .containsExactly(
                        Map.entry("graceful-confirmed-total", 1.0),
                        Map.entry("graceful-escalated-total", 2.0),
                        Map.entry("graceful-ended-otherwise-total", 1.0),
                        Map.entry("scheduled-total", 1.0),
                        Map.entry("scheduled-fired-total", 1.0),
                        Map.entry("deadline-fired-total", 1.0));
    }

    private CancelCommand command(
            String commandId, String executionId, CancelMode mode, Long graceMs, Instant notBefore) {
        return CancelCommand.newBuilder(
                        TestRecords.command(commandId, executionId, "alice", "stop it", cancel.wallClock()))
                .setMode(mode)
                .setGraceMs(graceMs)
                .setNotBefore(notBefore)
                .build();
    }

    private void send(CancelCommand command) {
        cancel.send(command.getExecutionId(), command);
    }

    private void runState(String executionId, RunStatus status, long version, Instant deadlineAt) {
        cancel.runStateRecord(
                executionId, new RunState(executionId, TENANT, status, version, cancel.wallClock(), null, deadlineAt));
    }

    /** The value of one series in GET /metrics' text; fails when it is not served. */
    private double served(String series) {
        return meters.scrape()
                .lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .reduce((a, b) -> {
                    throw new AssertionError(series + " is served twice");
                })
                .orElseThrow(() -> new AssertionError(series + " is not served"));
    }

    /** One metric of the processor's group in Kafka Streams' registry, summed over tasks. */
    private double streamsTotal(String name) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric :
                cancel.driver.metrics().entrySet()) {
            if (metric.getKey().group().equals("stream-cancel-processor-metrics")
                    && metric.getKey().name().equals(name)) {
                sum += ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }
}
