package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.BulkCancelTopologyTest.control;
import static io.controlplane.cancel.topology.BulkCancelTopologyTest.start;
import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a task tells the metrics of its bulk cancels: the runs they cancelled, and the bulks it holds by state. */
class BulkMetricsTest {

    private final RecordingObserver observer = new RecordingObserver();
    private final CancelDriver cancel =
            new CancelDriver(Map.of(ProcessorObserver.CONFIG, observer, CancelProcessorConfig.BULK_PAGE_SIZE, 2));

    @AfterEach
    void close() {
        cancel.close();
    }

    private void turns(int turns) {
        for (int i = 0; i < turns; i++) {
            cancel.advanceWallClock(ExecutionProcessor.BULK_TURN_INTERVAL);
        }
    }

    /** The metric of the task's group in Kafka Streams' registry. */
    private double metric(String name) {
        return cancel.driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals(DecisionMetrics.GROUP))
                .filter(e -> e.getKey().name().equals(name))
                .mapToDouble(e -> (Double) e.getValue().metricValue())
                .sum();
    }

    /** What the observer reads: the gauges it was told of, by state. */
    private Map<BulkState, Double> held() {
        Map<BulkState, Double> held = new EnumMap<>(BulkState.class);
        observer.holding.forEach((gauge, state) -> held.merge(state, (Double) gauge.metricValue(), Double::sum));
        return held;
    }

    @Test
    void eachRunABulkCancelsCountsAsBulkCancelledAndNeitherAsADecisionNorInADryRun() {
        cancel.admin("alice");
        for (int i = 0; i < 5; i++) {
            cancel.runState("run-" + i, TENANT, RunStatus.RUNNING, 1);
        }
        cancel.runState("ended", TENANT, RunStatus.COMPLETED, 1);
        cancel.bulk(start("dry", "alice").setDryRun(true).build());
        turns(10);
        assertThat(cancel.changes()).isEmpty();
        assertThat(metric("bulk-cancelled-total")).isZero();

        cancel.bulk(start("bulk-1", "alice").build());
        turns(10);

        assertThat(cancel.changes()).hasSize(5);
        assertThat(metric("bulk-cancelled-total")).isEqualTo(5.0);
        assertThat(metric("cancelled-total")).as("a decision on a command").isZero();
    }

    @Test
    void theBulksATaskHoldsAreAGaugePerStateTheObserverReadsUntilTheTaskCloses() {
        cancel.admin("alice");
        for (int i = 0; i < 30; i++) {
            cancel.runState("run-" + i, TENANT, RunStatus.RUNNING, 1);
        }
        assertThat(observer.holding.values()).containsExactlyInAnyOrderElementsOf(ProcessorObserver.HELD_BULK_STATES);
        Map<MetricName, ? extends Metric> registry = cancel.driver.metrics();
        observer.holding
                .keySet()
                .forEach(gauge -> assertThat(registry.get(gauge.metricName()))
                        .as("the gauge in Kafka Streams' registry itself")
                        .isSameAs(gauge));
        assertThat(held()).containsEntry(BulkState.RUNNING, 0.0).containsEntry(BulkState.PAUSED, 0.0);

        cancel.bulk(start("bulk-1", "alice").build());
        cancel.bulk(start("bulk-2", "alice").build());
        assertThat(held()).containsEntry(BulkState.RUNNING, 2.0).containsEntry(BulkState.PAUSED, 0.0);

        cancel.bulk(control("bulk-1", "alice", BulkAction.PAUSE));
        assertThat(held()).containsEntry(BulkState.RUNNING, 1.0).containsEntry(BulkState.PAUSED, 1.0);

        cancel.bulk(control("bulk-1", "alice", BulkAction.ABORT));
        assertThat(held()).containsEntry(BulkState.RUNNING, 1.0).containsEntry(BulkState.PAUSED, 0.0);

        turns(30);
        assertThat(cancel.changes()).hasSize(30);
        assertThat(held()).containsEntry(BulkState.RUNNING, 0.0).containsEntry(BulkState.PAUSED, 0.0);
        assertThat(observer.holdingEnded).isEmpty();

        cancel.close();
        assertThat(observer.holdingEnded).containsExactlyInAnyOrderElementsOf(ProcessorObserver.HELD_BULK_STATES);
    }
}
