package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.client.CancelClient;
import io.controlplane.cancel.client.CancelClientConfig;
import io.controlplane.cancel.client.CancelOutcome;
import io.controlplane.cancel.client.CancelRequest;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.RealBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client library against a running processor on a real broker: many calls in flight from many
 * threads, each answered with its own outcome, through the processor's restart and the outcome
 * topics gaining partitions.
 */
class CancelClientIT {

    private static final int RUNS = 10_000;
    private static final int THREADS = 8;
    /** Every tenth run has ended already: its cancel is rejected, so a crossed answer would show. */
    private static final int ENDED_EVERY = 10;

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedByTheTests(broker, settings -> {})
            .seededWith(traffic -> {
                traffic.grant("alice", List.of("admin"), List.of("acme"));
                for (int i = 0; i < RUNS; i++) {
                    traffic.runState(run(i), "acme", ended(i) ? RunStatus.COMPLETED : RunStatus.RUNNING, 1);
                }
            });

    /**
     * 10,000 calls from 8 threads, all in flight together. Once a quarter are answered the outcome
     * topics get three more partitions and the processor is closed and started again (it writes to the new
     * partitions from then on); each call still ends with the outcome of its own command, or (not
     * expected, but allowed through a restart) TimedOut, and none hangs. A retry of a call that timed
     * out, with its commandId, is answered with that command's outcome.
     */
    @Test
    void tenThousandCallsFromEightThreadsEachEndWithTheirOwnOutcomeThroughARestart() throws Exception {
        processor.start();
        Map<String, Object> settings = processor.settings();
        settings.put(CancelClientConfig.TIMEOUT_MS, 30_000);
        settings.put(CancelClientConfig.PARTITION_CHECK_MS, 1_000L);
        AtomicReferenceArray<CompletableFuture<CancelOutcome>> calls = new AtomicReferenceArray<>(RUNS);
        List<CancelRequest> requests = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            requests.add(
                    CancelRequest.of(run(i), "alice").withReason("client IT").withCommandId("client-it-" + i));
        }
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try (CancelClient client = CancelClient.create(new CancelClientConfig(settings))) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.submit(() -> {
                    for (int i = thread; i < RUNS; i += THREADS) {
                        calls.set(i, client.cancel(requests.get(i)).toCompletableFuture());
                    }
                });
            }
            // a quarter of the calls answered: the rest are sent or being sent, and wait across the restart
            await("a quarter of the calls answered")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> answered(calls) >= RUNS / 4);
            addPartitionsToTheOutcomeTopics(3);
            processor.stop();
            long answeredBeforeTheRestart = answered(calls);
            processor.start();
            threads.shutdown();
            assertThat(threads.awaitTermination(2, TimeUnit.MINUTES)).isTrue();

            int timedOut = 0;
            for (int i = 0; i < RUNS; i++) {
                // a call that hung would fail here: the client's timeout is 30 s
                CancelOutcome outcome = calls.get(i).get(90, TimeUnit.SECONDS);
                if (outcome instanceof CancelOutcome.TimedOut) {
                    timedOut++;
                    outcome =
                            client.cancel(requests.get(i)).toCompletableFuture().get(90, TimeUnit.SECONDS);
                }
                assertOwnOutcome(i, outcome);
            }
            long onTheAddedPartitions = outcomesOnTheAddedPartitions();
            System.out.printf(
                    "CancelClientIT: %,d calls, %,d answered before the restart, %,d outcomes on the added partitions,"
                            + " %,d timed out once and were answered on retry%n",
                    RUNS, answeredBeforeTheRestart, onTheAddedPartitions, timedOut);
            assertThat(client.pending()).isZero();
            assertThat(answeredBeforeTheRestart)
                    .as("the restart came in the middle of the calls")
                    .isLessThan(RUNS);
            assertThat(onTheAddedPartitions)
                    .as("outcomes the restarted processor wrote to the added partitions")
                    .isPositive();
        } finally {
            threads.shutdownNow();
        }
    }

    private static long answered(AtomicReferenceArray<CompletableFuture<CancelOutcome>> calls) {
        long answered = 0;
        for (int i = 0; i < calls.length(); i++) {
            CompletableFuture<CancelOutcome> call = calls.get(i);
            answered += call != null && call.isDone() ? 1 : 0;
        }
        return answered;
    }

    private static void assertOwnOutcome(int i, CancelOutcome outcome) {
        assertThat(outcome.commandId()).as("call %d", i).isEqualTo("client-it-" + i);
        if (ended(i)) {
            assertThat(outcome).as("call %d", i).isInstanceOf(CancelOutcome.Rejected.class);
            assertThat(((CancelOutcome.Rejected) outcome).code()).isEqualTo("ALREADY_TERMINAL");
            assertThat(((CancelOutcome.Rejected) outcome).rejection().getExecutionId())
                    .isEqualTo(run(i));
        } else {
            assertThat(outcome).as("call %d", i).isInstanceOf(CancelOutcome.Cancelled.class);
            assertThat(((CancelOutcome.Cancelled) outcome).executionId()).isEqualTo(run(i));
        }
    }

    private static void addPartitionsToTheOutcomeTopics(int more) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            int now = 3;
            admin.createPartitions(Map.of(
                            processor.topics().runStateChanges.name(), NewPartitions.increaseTo(now + more),
                            processor.topics().rejections.name(), NewPartitions.increaseTo(now + more)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** How many records the outcome topics' added partitions (3 to 5) hold. */
    private static long outcomesOnTheAddedPartitions() throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (String topic : List.of(
                    processor.topics().runStateChanges.name(),
                    processor.topics().rejections.name())) {
                for (int partition = 3; partition < 6; partition++) {
                    ends.put(new TopicPartition(topic, partition), OffsetSpec.latest());
                }
            }
            return admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    private static String run(int i) {
        return "client-it-run-" + i;
    }

    private static boolean ended(int i) {
        return i % ENDED_EVERY == 0;
    }
}
