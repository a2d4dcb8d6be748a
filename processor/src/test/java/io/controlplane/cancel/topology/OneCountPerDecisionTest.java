package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.http.ProcessorMeters;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each decision is counted once, in Kafka Streams' registry (per task), and GET /metrics serves
 * that count: the two views show the same number, which is the number of decisions made, and
 * /metrics keeps what a closed task counted. The series names here are written out on purpose,
 * not taken from the product: they are a public interface (README's metrics table).
 */
class OneCountPerDecisionTest {

    /** GET /metrics series, and the Kafka Streams metric that counts the same thing. */
    private static final Map<String, String> DECISIONS = new LinkedHashMap<>();

    private static final Map<String, String> CASCADE = new LinkedHashMap<>();

    static {
        DECISIONS.put("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"}", "cancelled-total");
        DECISIONS.put("cancel_decisions_total{code=\"none\",outcome=\"duplicate\"}", "duplicate-total");
        DECISIONS.put("cancel_decisions_total{code=\"none\",outcome=\"waiting\"}", "waiting-total");
        DECISIONS.put("cancel_decisions_total{code=\"none\",outcome=\"run_state_ignored\"}", "run-state-ignored-total");
        DECISIONS.put(
                "cancel_decisions_total{code=\"INVALID_COMMAND\",outcome=\"rejected\"}",
                "rejected-invalid-command-total");
        DECISIONS.put(
                "cancel_decisions_total{code=\"UNAUTHORIZED\",outcome=\"rejected\"}", "rejected-unauthorized-total");
        DECISIONS.put(
                "cancel_decisions_total{code=\"EXECUTION_NOT_FOUND\",outcome=\"rejected\"}",
                "rejected-execution-not-found-total");
        DECISIONS.put(
                "cancel_decisions_total{code=\"ALREADY_TERMINAL\",outcome=\"rejected\"}",
                "rejected-already-terminal-total");
        CASCADE.put("cancel_cascade_descendants_total{outcome=\"cancelled\"}", "cascade-cancelled-total");
        CASCADE.put("cancel_cascade_descendants_total{outcome=\"cancelling\"}", "cascade-cancelling-total");
        CASCADE.put("cancel_cascade_descendants_total{outcome=\"skipped_terminal\"}", "cascade-skipped-terminal-total");
        CASCADE.put(
                "cancel_cascade_descendants_total{outcome=\"skipped_other_tenant\"}",
                "cascade-skipped-other-tenant-total");
    }

    private final ProcessorMeters meters = new ProcessorMeters(Set.of());
    private CancelDriver cancel = new CancelDriver(Map.of(ProcessorObserver.CONFIG, meters));

    @AfterEach
    void close() {
        cancel.close();
        meters.close();
    }

    /** One decision of each outcome and rejection code. */
    private void oneOfEach() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        var accepted = cancel.cancel("run-1", "alice");
        cancel.send("run-1", accepted);
        cancel.cancel("run-1", "alice");
        cancel.cancel("run-1", "mallory");
        cancel.send("run-1", cancel.command(null, "run-1", "alice"));
        cancel.cancel("run-9", "alice");
        cancel.advanceWallClock(Duration.ofSeconds(11));
    }

    @Test
    void eachDecisionIsCountedOnceAndGetMetricsServesThatCount() {
        oneOfEach();

        for (Map.Entry<String, String> series : DECISIONS.entrySet()) {
            assertThat(streamsTotal(series.getValue())).as(series.getValue()).isEqualTo(1.0);
            assertThat(served(series.getKey())).as(series.getKey()).isEqualTo(1.0);
        }
        // only cancellations and rejections have a latency: five of them
        assertThat(served("cancel_decision_latency_seconds_count")).isEqualTo(5.0);
    }

    @Test
    void eachStepOfTheCascadeIsCountedOnceAndGetMetricsServesThatCount() {
        cancel.grant("bob", List.of("admin"), List.of("*"));
        cancel.runState("parent", TENANT, RunStatus.RUNNING, 1, null);
        cancel.runState("foreign-child", "tenant-b", RunStatus.RUNNING, 1, "parent");
        cancel.runState("ended-child", TENANT, RunStatus.COMPLETED, 1, "parent");
        cancel.runState("running-child", TENANT, RunStatus.RUNNING, 1, "parent");
        cancel.runState("orphan", TENANT, RunStatus.RUNNING, 1, "ended-child");
        cancel.cancel("parent", "bob");

        Map<String, Double> expected = Map.of(
                "cascade-cancelled-total", 2.0,
                "cascade-cancelling-total", 0.0,
                "cascade-skipped-terminal-total", 1.0,
                "cascade-skipped-other-tenant-total", 1.0);
        for (Map.Entry<String, String> series : CASCADE.entrySet()) {
            double count = expected.get(series.getValue());
            assertThat(streamsTotal(series.getValue())).as(series.getValue()).isEqualTo(count);
            assertThat(served(series.getKey())).as(series.getKey()).isEqualTo(count);
        }
        assertThat(served("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"}"))
                .as("the command's own cancellation, not its descendants'")
                .isEqualTo(1.0);
    }

    @Test
    void getMetricsKeepsWhatAClosedTaskCountedAndAddsWhatItCountsWhenItOpensAgain() {
        oneOfEach();
        Map<String, Double> beforeClose = servedAll();
        assertThat(beforeClose).containsEntry("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"}", 1.0);

        // The task closes (a rebalance moves it, the instance stops): Kafka Streams removes its sensors.
        cancel.close();
        assertThat(servedAll()).as("after the task closed").isEqualTo(beforeClose);

        // It opens again on this instance: its sensors start from 0.
        cancel = new CancelDriver(Map.of(ProcessorObserver.CONFIG, meters));
        assertThat(streamsTotal("cancelled-total")).isZero();
        assertThat(servedAll()).as("after the task opened again").isEqualTo(beforeClose);
        cancel.admin("alice");
        cancel.runState("run-2", RunStatus.RUNNING, 1);
        cancel.cancel("run-2", "alice");
        cancel.cancel("run-2", "alice");

        Map<String, Double> expected = new LinkedHashMap<>(beforeClose);
        expected.merge("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"}", 1.0, Double::sum);
        expected.merge("cancel_decisions_total{code=\"ALREADY_TERMINAL\",outcome=\"rejected\"}", 1.0, Double::sum);
        assertThat(servedAll()).isEqualTo(expected);
        assertThat(streamsTotal("cancelled-total")).isEqualTo(1.0);
    }

    /** Every decision and cascade series GET /metrics serves. */
    private Map<String, Double> servedAll() {
        Map<String, Double> all = new LinkedHashMap<>();
        DECISIONS.keySet().forEach(series -> all.put(series, served(series)));
        CASCADE.keySet().forEach(series -> all.put(series, served(series)));
        return all;
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
