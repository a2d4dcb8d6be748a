package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One processor and one record per execution: what each kind of decision costs in records written,
 * counted over every topic the topology writes (outputs, changelogs, internal topics), and how the
 * record is kept (dedup per run, bounded, records kept only for dedup deleted after the retention).
 */
class OneRecordPerRunTest {

    private static final Duration GRACE = Duration.ofSeconds(10);

    private CancelDriver cancel = new CancelDriver();

    @AfterEach
    void close() {
        cancel.close();
    }

    @Test
    void aRunStateAndAnAcceptedKeyedCancelOfItWriteThreeRecords() {
        cancel.admin("alice");
        recordsWritten();

        cancel.runState("run-1", RunStatus.RUNNING, 1);
        assertThat(recordsWritten()).as("a run state: its record").isEqualTo(1);
        cancel.cancel("run-1", "alice");
        assertThat(recordsWritten())
                .as("an accepted command: its record and the outcome")
                .isEqualTo(2);
    }

    @Test
    void aRejectionWritesAtMostTwoRecords() {
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        recordsWritten();

        cancel.cancel("run-1", "mallory");
        assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        // (the rejection was read above, so only the record remains to count)
        assertThat(recordsWritten()).isEqualTo(1);
    }

    @Test
    void aRepeatWritesNothing() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        CancelCommand command = cancel.cancel("run-1", "alice");
        recordsWritten();

        cancel.send("run-1", command);
        assertThat(recordsWritten()).isZero();
    }

    @Test
    void aRunStateUpdateWritesOneRecordAndAnIgnoredOneNone() {
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        recordsWritten();

        cancel.runState("run-1", RunStatus.PAUSED, 2);
        assertThat(recordsWritten()).isEqualTo(1);
        cancel.runState("run-1", RunStatus.RUNNING, 2);
        assertThat(recordsWritten()).isZero();
    }

    @Test
    void dedupIsPerRunSoACommandIdReusedOnAnotherRunIsJudgedThere() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        cancel.runState("run-2", RunStatus.RUNNING, 1);
        cancel.send("run-1", cancel.command("cmd-shared", "run-1", "alice"));
        cancel.send("run-2", cancel.command("cmd-shared", "run-2", "alice"));

        assertThat(cancel.changes())
                .extracting(change -> change.value().getExecutionId())
                .containsExactly("run-1", "run-2");
    }

    @Test
    void pastItsBoundARunForgetsItsOldestDecisionWhoseRepeatCanOnlyBeRejected() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        CancelCommand first = cancel.cancel("run-1", "alice");
        assertThat(cancel.changes()).hasSize(1);
        CancelCommand last = null;
        for (int i = 0; i < RunRecord.MAX_DECIDED; i++) {
            last = cancel.cancel("run-1", "alice");
        }
        assertThat(cancel.rejections()).hasSize(RunRecord.MAX_DECIDED);

        cancel.send("run-1", last);
        assertThat(cancel.rejections()).as("the newest is remembered").isEmpty();
        cancel.send("run-1", first);
        assertThat(cancel.onlyRejection().getObservedStatus())
                .as("the oldest is forgotten, and judged again: the run stays cancelled once")
                .isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aRecordKeptOnlyForItsDecisionsIsDeletedOnceThoseArePastTheRetention() {
        cancel.close();
        cancel = new CancelDriver(Map.of(
                CancelProcessorConfig.DEDUP_RETENTION_MS, Duration.ofHours(1).toMillis()));
        cancel.admin("alice");
        CancelCommand command = cancel.cancel("never-seen", "alice");
        cancel.advanceWallClock(GRACE.plusSeconds(1));
        assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
        HeldExecutions held = new HeldExecutions(cancel.driver);
        assertThat(held.record("never-seen").getDecided()).hasSize(1);

        cancel.advanceWallClock(Duration.ofMinutes(30));
        cancel.send("never-seen", command);
        assertThat(cancel.rejections())
                .as("still a repeat within the retention")
                .isEmpty();
        cancel.advanceWallClock(Duration.ofMinutes(31));
        assertThat(held.record("never-seen")).isNull();
    }

    @Test
    void theTopologyIsOneProcessorPerKindOfKeyWithItsStoresAndItsDeclaredTopics() {
        TopologyDescription description = CancelTopology.build(new CancelProcessorConfig(
                        Map.of("bootstrap.servers", "unused:9092", "schema.registry.url", "mock://shape")))
                .describe();

        // one task per partition does everything keyed by executionId; bulks as a whole are keyed by bulkId
        assertThat(description.subtopologies()).hasSize(2);
        Set<TopologyDescription.Node> nodes = description.subtopologies().stream()
                .flatMap(subtopology -> subtopology.nodes().stream())
                .collect(Collectors.toSet());
        assertThat(nodes.stream()
                        .filter(node -> node instanceof TopologyDescription.Processor processor
                                && !processor.stores().isEmpty())
                        .map(node ->
                                node.name() + " " + new TreeSet<>(((TopologyDescription.Processor) node).stores())))
                .containsExactlyInAnyOrder(
                        CancelTopology.PROCESSOR + " ["
                                + String.join(", ", new TreeSet<>(Set.of(CancelStores.partitionedNames()))) + "]",
                        "decide-bulk [" + CancelStores.BULKS + "]");
        assertThat(nodes.stream()
                        .filter(node -> node instanceof TopologyDescription.Source)
                        .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                        .sorted()
                        .toList())
                .containsExactly(
                        // Kafka Streams prefixes its own internal topic with the application.id when it runs
                        "commands-by-execution-repartition",
                        "controlplane-execution-cancel-cancel-bulk-tasks",
                        "controlplane-execution-cancel-cancel-cascade",
                        "controlplane.execution.cancel.bulk",
                        "controlplane.execution.cancel.commands",
                        "controlplane.execution.run-states");
        assertThat(nodes.stream()
                        .filter(node -> node instanceof TopologyDescription.Sink)
                        .map(node -> String.valueOf(((TopologyDescription.Sink) node).topic()))
                        .sorted()
                        .toList())
                .containsExactly(
                        "commands-by-execution-repartition",
                        "controlplane-execution-cancel-cancel-bulk-tasks",
                        "controlplane-execution-cancel-cancel-cascade",
                        "controlplane.execution.cancel.bulk-progress", // a bulk's rejection
                        "controlplane.execution.cancel.bulk-progress", // a task's progress in a bulk
                        "null"); // the outcome sink: its topic is chosen per record (OutcomeSink)
    }

    /** Records written to every topic since the last call (reading them consumes them). */
    private int recordsWritten() {
        int written = 0;
        for (String topic : cancel.driver.producedTopicNames()) {
            written += cancel.read(topic, new ByteArrayDeserializer()).size();
        }
        return written;
    }
}
