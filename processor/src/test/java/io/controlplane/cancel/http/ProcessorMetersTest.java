package io.controlplane.cancel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RejectionCode;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessorMetersTest {

    private final ProcessorMeters meters = new ProcessorMeters(Set.of("commands", "run-states"));

    @AfterEach
    void close() {
        meters.close();
    }

    @Test
    void everyOutcomeCodeAndInputTopicIsAtZeroBeforeItHappens() {
        String text = meters.scrape();
        assertThat(text)
                .contains(
                        "cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 0.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"duplicate\"} 0.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"waiting\"} 0.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"run_state_ignored\"} 0.0",
                        "cancel_dead_letters_total{topic=\"commands\"} 0.0",
                        "cancel_dead_letters_total{topic=\"run-states\"} 0.0",
                        "cancel_decision_latency_seconds_count 0");
        for (RejectionCode code : RejectionCode.values()) {
            assertThat(text).contains("cancel_decisions_total{code=\"" + code + "\",outcome=\"rejected\"} 0.0");
        }
    }

    @Test
    void eachDecisionIsCountedByOutcomeAndCodeAndItsLatencyBucketed() {
        meters.cancelled(Duration.ofMillis(40));
        meters.rejected(RejectionCode.UNAUTHORIZED, Duration.ofSeconds(12));
        meters.duplicate();
        meters.waiting();
        meters.waiting();
        meters.runStateIgnored();
        meters.deadLettered("commands");
        meters.deadLettered("app-commands-by-execution-repartition");

        String text = meters.scrape();
        assertThat(text)
                .contains(
                        "cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 1.0",
                        "cancel_decisions_total{code=\"UNAUTHORIZED\",outcome=\"rejected\"} 1.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"duplicate\"} 1.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"waiting\"} 2.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"run_state_ignored\"} 1.0",
                        "cancel_dead_letters_total{topic=\"commands\"} 1.0",
                        "cancel_dead_letters_total{topic=\"app-commands-by-execution-repartition\"} 1.0",
                        "cancel_decision_latency_seconds_bucket{le=\"0.05\"} 1",
                        "cancel_decision_latency_seconds_bucket{le=\"10.0\"} 1",
                        "cancel_decision_latency_seconds_bucket{le=\"15.0\"} 2",
                        "cancel_decision_latency_seconds_count 2");
    }

    @Test
    void theJvmIsMeasuredToo() {
        assertThat(meters.scrape())
                .contains(
                        "jvm_memory_used_bytes",
                        "jvm_threads_live_threads",
                        "jvm_classes_loaded_classes",
                        "process_cpu_usage",
                        "process_uptime_seconds");
    }
}
