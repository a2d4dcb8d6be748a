package io.controlplane.cancel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.metrics.Outcome;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessorMetersTest {

    private final ProcessorMeters meters = new ProcessorMeters(Set.of("commands", "run-states"));

    @AfterEach
    void close() {
        meters.close();
    }

    /** A cumulative total as a task's sensor keeps it in Kafka Streams' registry. */
    private static final class Total implements Metric {

        private final String name;
        private double value;

        Total(String name, double value) {
            this.name = name;
            this.value = value;
        }

        @Override
        public MetricName metricName() {
            return new MetricName(name, "stream-cancel-processor-metrics", "", Map.of());
        }

        @Override
        public Object metricValue() {
            return value;
        }
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
                        "cancel_decisions_total{code=\"none\",outcome=\"cancelling\"} 0.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"already_cancelling\"} 0.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"scheduled\"} 0.0",
                        "cancel_cascade_descendants_total{outcome=\"cancelled\"} 0.0",
                        "cancel_cascade_descendants_total{outcome=\"cancelling\"} 0.0",
                        "cancel_cascade_descendants_total{outcome=\"skipped_terminal\"} 0.0",
                        "cancel_cascade_descendants_total{outcome=\"skipped_other_tenant\"} 0.0",
                        "cancel_bulk_cancelled_total 0.0",
                        "cancel_bulks{state=\"RUNNING\"} 0.0",
                        "cancel_bulks{state=\"PAUSED\"} 0.0",
                        "cancel_graceful_total{outcome=\"confirmed\"} 0.0",
                        "cancel_graceful_total{outcome=\"escalated\"} 0.0",
                        "cancel_graceful_total{outcome=\"ended_otherwise\"} 0.0",
                        "cancel_scheduled_total{event=\"held\"} 0.0",
                        "cancel_scheduled_total{event=\"fired\"} 0.0",
                        "cancel_deadlines_fired_total 0.0",
                        "cancel_dead_letters_total{topic=\"commands\"} 0.0",
                        "cancel_dead_letters_total{topic=\"run-states\"} 0.0",
                        "cancel_decision_latency_seconds_count 0");
        for (RejectionCode code : RejectionCode.values()) {
            assertThat(text).contains("cancel_decisions_total{code=\"" + code + "\",outcome=\"rejected\"} 0.0");
        }
    }

    @Test
    void eachCounterReadsTheTasksTotalsByOutcomeAndCodeAndEachLatencyIsBucketed() {
        meters.counting(Outcome.of(Outcome.Kind.CANCELLED), new Total("cancelled-total", 1));
        meters.counting(Outcome.rejected(RejectionCode.UNAUTHORIZED), new Total("rejected-unauthorized-total", 1));
        meters.counting(Outcome.of(Outcome.Kind.DUPLICATE), new Total("duplicate-total", 1));
        meters.counting(Outcome.of(Outcome.Kind.WAITING), new Total("waiting-total", 2));
        meters.counting(Outcome.of(Outcome.Kind.RUN_STATE_IGNORED), new Total("run-state-ignored-total", 1));
        meters.counting(Outcome.of(Outcome.Kind.CASCADE_CANCELLED), new Total("cascade-cancelled-total", 4));
        meters.counting(
                Outcome.of(Outcome.Kind.CASCADE_SKIPPED_OTHER_TENANT),
                new Total("cascade-skipped-other-tenant-total", 1));
        meters.counting(Outcome.of(Outcome.Kind.BULK_CANCELLED), new Total("bulk-cancelled-total", 7));
        meters.decided(Duration.ofMillis(40));
        meters.decided(Duration.ofSeconds(12));
        meters.deadLettered("commands");
        meters.deadLettered("app-commands-by-execution-repartition");

        String text = meters.scrape();
        assertThat(text)
                .contains(
                        "cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 1.0",
                        "cancel_decisions_total{code=\"UNAUTHORIZED\",outcome=\"rejected\"} 1.0",
                        "cancel_decisions_total{code=\"ALREADY_TERMINAL\",outcome=\"rejected\"} 0.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"duplicate\"} 1.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"waiting\"} 2.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"run_state_ignored\"} 1.0",
                        "cancel_cascade_descendants_total{outcome=\"cancelled\"} 4.0",
                        "cancel_cascade_descendants_total{outcome=\"cancelling\"} 0.0",
                        "cancel_cascade_descendants_total{outcome=\"skipped_terminal\"} 0.0",
                        "cancel_cascade_descendants_total{outcome=\"skipped_other_tenant\"} 1.0",
                        "cancel_bulk_cancelled_total 7.0",
                        "cancel_dead_letters_total{topic=\"commands\"} 1.0",
                        "cancel_dead_letters_total{topic=\"app-commands-by-execution-repartition\"} 1.0",
                        "cancel_decision_latency_seconds_bucket{le=\"0.05\"} 1",
                        "cancel_decision_latency_seconds_bucket{le=\"10.0\"} 1",
                        "cancel_decision_latency_seconds_bucket{le=\"15.0\"} 2",
                        "cancel_decision_latency_seconds_count 2");
    }

    @Test
    void cancellationOverTimeIsCountedByHowGracefulCancelsEndWhatWasHeldAndFiredAndDeadlinesFired() {
        meters.counting(Outcome.of(Outcome.Kind.CANCELLING), new Total("cancelling-total", 9));
        meters.counting(Outcome.of(Outcome.Kind.ALREADY_CANCELLING), new Total("already-cancelling-total", 2));
        meters.counting(Outcome.of(Outcome.Kind.SCHEDULED), new Total("scheduled-total", 5));
        meters.counting(Outcome.of(Outcome.Kind.GRACEFUL_CONFIRMED), new Total("graceful-confirmed-total", 4));
        meters.counting(Outcome.of(Outcome.Kind.GRACEFUL_ESCALATED), new Total("graceful-escalated-total", 3));
        meters.counting(
                Outcome.of(Outcome.Kind.GRACEFUL_ENDED_OTHERWISE), new Total("graceful-ended-otherwise-total", 1));
        meters.counting(Outcome.of(Outcome.Kind.SCHEDULED_FIRED), new Total("scheduled-fired-total", 6));
        Total deadlines = new Total("deadline-fired-total", 7);
        meters.counting(Outcome.of(Outcome.Kind.DEADLINE_FIRED), deadlines);

        assertThat(meters.scrape())
                .contains(
                        "cancel_decisions_total{code=\"none\",outcome=\"cancelling\"} 9.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"already_cancelling\"} 2.0",
                        "cancel_decisions_total{code=\"none\",outcome=\"scheduled\"} 5.0",
                        // none of them is a cancellation a command made
                        "cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 0.0",
                        "cancel_graceful_total{outcome=\"confirmed\"} 4.0",
                        "cancel_graceful_total{outcome=\"escalated\"} 3.0",
                        "cancel_graceful_total{outcome=\"ended_otherwise\"} 1.0",
                        // held is the decisions' scheduled, beside what fired
                        "cancel_scheduled_total{event=\"held\"} 5.0",
                        "cancel_scheduled_total{event=\"fired\"} 6.0",
                        "cancel_deadlines_fired_total 7.0");

        // kept when the task closes, as every count is
        meters.countingEnded(deadlines);
        deadlines.value = 0;
        assertThat(meters.scrape()).contains("cancel_deadlines_fired_total 7.0");
    }

    @Test
    void aCounterIsTheSumOverTheOpenTasksAndWhatTheClosedOnesCountedAndNeverGoesBack() {
        Outcome cancelled = Outcome.of(Outcome.Kind.CANCELLED);
        Total first = new Total("cancelled-total", 2);
        Total second = new Total("cancelled-total", 3);
        meters.counting(cancelled, first);
        meters.counting(cancelled, second);
        assertThat(meters.scrape()).contains("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 5.0");

        // the first task closes, then Kafka Streams forgets its total; it opens again from 0
        meters.countingEnded(first);
        first.value = 0;
        assertThat(meters.scrape()).contains("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 5.0");
        Total reopened = new Total("cancelled-total", 0);
        meters.counting(cancelled, reopened);
        reopened.value = 1;
        assertThat(meters.scrape()).contains("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 6.0");

        // told twice of one total, or of its end twice, it counts it once
        meters.counting(cancelled, second);
        meters.countingEnded(first);
        assertThat(meters.scrape()).contains("cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 6.0");
    }

    @Test
    void theBulksHeldAreTheSumOverTheOpenTasksOnlyByState() {
        Total firstRunning = new Total("bulks-running", 2);
        Total firstPaused = new Total("bulks-paused", 1);
        Total secondRunning = new Total("bulks-running", 3);
        meters.holdingBulks(BulkState.RUNNING, firstRunning);
        meters.holdingBulks(BulkState.PAUSED, firstPaused);
        meters.holdingBulks(BulkState.RUNNING, secondRunning);
        assertThat(meters.scrape())
                .contains("cancel_bulks{state=\"RUNNING\"} 5.0", "cancel_bulks{state=\"PAUSED\"} 1.0");

        secondRunning.value = 1;
        assertThat(meters.scrape()).contains("cancel_bulks{state=\"RUNNING\"} 3.0");

        // a closed task's bulks are no longer held here, unlike what it counted
        meters.holdingBulksEnded(firstRunning);
        meters.holdingBulksEnded(firstPaused);
        assertThat(meters.scrape())
                .contains("cancel_bulks{state=\"RUNNING\"} 1.0", "cancel_bulks{state=\"PAUSED\"} 0.0");
    }

    @Test
    void threadReplacementsAreReadFromTheirSupplierEvenAfterAGarbageCollection() {
        AtomicLong replacements = new AtomicLong();
        // as the application passes it: a supplier nothing else holds
        meters.bindInstance(replacements::get, () -> 0.0, () -> true);
        assertThat(meters.scrape()).contains("cancel_thread_replacements_total 0.0");

        collectGarbage();
        replacements.set(2);
        assertThat(meters.scrape()).contains("cancel_thread_replacements_total 2.0");
    }

    /** Until an object only weakly held is collected. */
    private static void collectGarbage() {
        WeakReference<Object> sentinel = new WeakReference<>(new Object());
        for (int i = 0; i < 20 && sentinel.get() != null; i++) {
            System.gc();
        }
        assertThat(sentinel.get()).as("collected").isNull();
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
