package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each rule of cascading cancellation (issue 12), through the real topology. */
class CascadeTopologyTest {

    private static final String OTHER_TENANT = "tenant-b";

    private CancelDriver cancel = new CancelDriver();

    @AfterEach
    void close() {
        cancel.close();
    }

    private void run(String executionId, String parentId) {
        cancel.runState(executionId, TENANT, RunStatus.RUNNING, 1, parentId);
    }

    /** Every CANCELLED record so far, by execution, asserting there is at most one each and no rejection. */
    private Map<String, RunStateChange> cancellations() {
        List<TestRecord<String, RunStateChange>> changes = cancel.changes();
        assertThat(cancel.rejections()).isEmpty();
        changes.forEach(
                change -> assertThat(change.key()).isEqualTo(change.value().getExecutionId()));
        return changes.stream()
                .map(TestRecord::value)
                .collect(Collectors.toMap(RunStateChange::getExecutionId, Function.identity()));
    }

    private double metric(String name) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric :
                cancel.driver.metrics().entrySet()) {
            if (metric.getKey().group().equals("stream-" + DecisionMetrics.SCOPE + "-metrics")
                    && metric.getKey().name().equals(name)) {
                sum += ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    @Nested
    class Rule1CancellingARunCancelsItsDescendantsInItsTenant {

        @Test
        void childrenAndGrandchildrenAreCancelledWithTheStartingCommandsFields() {
            cancel.admin("alice");
            run("parent", null);
            run("child-1", "parent");
            run("child-2", "parent");
            run("grandchild", "child-1");
            CancelCommand command = cancel.cancel("parent", "alice");

            Map<String, RunStateChange> cancelled = cancellations();
            assertThat(cancelled).containsOnlyKeys("parent", "child-1", "child-2", "grandchild");
            assertThat(cancelled.get("parent").getCascadedFrom()).isNull();
            assertThat(cancelled.get("parent").getCommandId()).isEqualTo(command.getCommandId());
            assertThat(cancelled.get("child-1").getCascadedFrom()).isEqualTo("parent");
            assertThat(cancelled.get("child-2").getCascadedFrom()).isEqualTo("parent");
            assertThat(cancelled.get("grandchild").getCascadedFrom()).isEqualTo("child-1");
            for (String descendant : List.of("child-1", "child-2", "grandchild")) {
                RunStateChange change = cancelled.get(descendant);
                assertThat(change.getCommandId()).isEqualTo(command.getCommandId() + "/" + descendant);
                assertThat(change.getCancelledBy()).isEqualTo("alice");
                assertThat(change.getReason()).isEqualTo(command.getReason());
                assertThat(change.getTraceId()).isEqualTo(command.getTraceId());
                assertThat(change.getTenantId()).isEqualTo(TENANT);
                assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
                assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.RUNNING);
                assertThat(change.getVersion()).isEqualTo(2L);
                assertThat(change.getCancelledAt()).isEqualTo(cancel.wallClock());
            }
            assertThat(metric("cascade-cancelled-total")).isEqualTo(3);
        }

        @Test
        void descendantInAnotherTenantIsLeftAloneAndCountedButItsDescendantsInTheTenantAreNot() {
            cancel.grant("bob", List.of("admin"), List.of("*"));
            run("parent", null);
            cancel.runState("foreign-child", OTHER_TENANT, RunStatus.RUNNING, 1, "parent");
            run("own-child", "parent");
            run("own-grandchild", "foreign-child");
            cancel.cancel("parent", "bob");

            Map<String, RunStateChange> cancelled = cancellations();
            assertThat(cancelled).containsOnlyKeys("parent", "own-child", "own-grandchild");
            assertThat(cancelled.get("own-grandchild").getCascadedFrom())
                    .as("the run whose cancellation reached it")
                    .isEqualTo("parent");
            assertThat(metric("cascade-skipped-other-tenant-total")).isEqualTo(1);
        }

        @Test
        void aCommandIdWithSlashesIsKeptWholeDownTheTree() {
            cancel.admin("alice");
            run("parent", null);
            run("child", "parent");
            run("grandchild", "child");
            cancel.send("parent", cancel.command("ops/2026/42", "parent", "alice"));

            Map<String, RunStateChange> cancelled = cancellations();
            assertThat(cancelled.get("child").getCommandId()).isEqualTo("ops/2026/42/child");
            assertThat(cancelled.get("grandchild").getCommandId()).isEqualTo("ops/2026/42/grandchild");
        }
    }

    @Nested
    class Rule2AChildOfACancelledRunIsCancelledWheneverItArrives {

        @Test
        void childArrivingAfterItsParentWasCancelledIsCancelledAtOnce() {
            cancel.admin("alice");
            run("parent", null);
            cancel.cancel("parent", "alice");
            assertThat(cancellations()).containsOnlyKeys("parent");

            run("late-child", "parent");
            assertThat(cancellations()).containsOnlyKeys("late-child");
            run("later-grandchild", "late-child");
            assertThat(cancellations()).containsOnlyKeys("later-grandchild");
        }

        @Test
        void grandchildArrivingBeforeItsParentIsCancelledWithTheTree() {
            cancel.admin("alice");
            run("grandchild", "child");
            run("parent", null);
            cancel.cancel("parent", "alice");
            assertThat(cancellations()).containsOnlyKeys("parent");

            run("child", "parent");
            assertThat(cancellations()).containsOnlyKeys("child", "grandchild");
        }

        @Test
        void commandWaitingForTheParentCascadesWhenTheParentArrives() {
            cancel.admin("alice");
            run("child", "parent");
            cancel.cancel("parent", "alice");
            assertThat(cancellations()).isEmpty();

            run("parent", null);
            assertThat(cancellations()).containsOnlyKeys("parent", "child");
        }

        @Test
        void childDeletedBeforeTheCascadeIsCancelledWhenItsStateComesBackHoweverLate() {
            cancel.admin("alice");
            run("parent", null);
            run("child", "parent");
            run("other-child", "parent");
            cancel.deleteRun("child");
            cancel.deleteRun("other-child");
            cancel.cancel("parent", "alice");
            assertThat(cancellations()).containsOnlyKeys("parent");

            cancel.advanceWallClock(java.time.Duration.ofDays(30));
            cancel.runState("child", TENANT, RunStatus.RUNNING, 2, "parent");
            assertThat(cancellations()).containsOnlyKeys("child");
            // a run that comes back naming no parent is no longer anyone's child
            cancel.runState("other-child", TENANT, RunStatus.RUNNING, 2, null);
            assertThat(cancellations()).isEmpty();
        }

        @Test
        void childInAnotherTenantArrivingLateIsLeftAlone() {
            cancel.grant("bob", List.of("admin"), List.of("*"));
            run("parent", null);
            cancel.cancel("parent", "bob");
            cancel.changes();

            cancel.runState("foreign-child", OTHER_TENANT, RunStatus.RUNNING, 1, "parent");
            assertThat(cancellations()).isEmpty();
            assertThat(metric("cascade-skipped-other-tenant-total")).isEqualTo(1);
        }
    }

    @Nested
    class Rule3ExactlyOnceAndCyclesEnd {

        @Test
        void aSecondCommandForTheParentCascadesNothingMore() {
            cancel.admin("alice");
            run("parent", null);
            run("child", "parent");
            cancel.cancel("parent", "alice");
            assertThat(cancellations()).containsOnlyKeys("parent", "child");

            cancel.cancel("parent", "alice");
            assertThat(cancel.changes()).isEmpty();
            assertThat(cancel.rejections())
                    .extracting(r -> r.value().getCode())
                    .containsExactly(RejectionCode.ALREADY_TERMINAL);
        }

        @Test
        void aChildOfTwoCancelledParentsIsCancelledOnce() {
            cancel.admin("alice");
            run("mother", null);
            run("father", null);
            run("child", "mother");
            cancel.runState("child", TENANT, RunStatus.RUNNING, 2, "father");
            cancel.cancel("mother", "alice");
            cancel.cancel("father", "alice");

            assertThat(cancellations()).containsOnlyKeys("mother", "father", "child");
        }

        @Test
        void cycleInTheParentLinksEnds() {
            cancel.admin("alice");
            run("a", "c");
            run("b", "a");
            run("c", "b");
            run("self", "self");
            cancel.cancel("a", "alice");
            assertThat(cancellations()).containsOnlyKeys("a", "b", "c");

            cancel.cancel("self", "alice");
            assertThat(cancellations()).containsOnlyKeys("self");
        }

        @Test
        void cycleThroughRunsThatEndedEnds() {
            cancel.admin("alice");
            run("live", "ended-2");
            cancel.runState("ended-1", TENANT, RunStatus.COMPLETED, 1, "live");
            cancel.runState("ended-2", TENANT, RunStatus.FAILED, 1, "ended-1");
            cancel.runState("ended-below", TENANT, RunStatus.COMPLETED, 1, "ended-2");
            run("live-below", "ended-below");
            cancel.cancel("live", "alice");

            assertThat(cancellations()).containsOnlyKeys("live", "live-below");
        }

        @Test
        void laterStatesOfACascadedChildProduceNothingMore() {
            cancel.admin("alice");
            run("parent", null);
            run("child", "parent");
            cancel.cancel("parent", "alice");
            cancel.changes();

            cancel.runState("child", TENANT, RunStatus.RUNNING, 5, "parent");
            cancel.deleteRun("child");
            cancel.runState("child", TENANT, RunStatus.PAUSED, 6, "parent");
            assertThat(cancellations()).isEmpty();
        }

        @Test
        void linksAndCascadesGoThroughTheOneProcessorAndItsDeclaredInternalTopic() {
            TopologyDescription description = CancelTopology.build(new CancelProcessorConfig(Map.of(
                            "bootstrap.servers", "unused:9092", "schema.registry.url", "mock://cascade-describe")))
                    .describe();
            String topology = description.toString();
            assertThat(topology)
                    .contains("Source: cascade (topics: [controlplane-execution-cancel-cancel-cascade])")
                    .contains("Sink: cascade-sink (topic: controlplane-execution-cancel-cancel-cascade)");
            // the links, the cascade and the decisions share one sub-topology: one task per partition
            assertThat(description.subtopologies())
                    .filteredOn(subtopology -> subtopology.nodes().stream()
                            .anyMatch(node -> node.name().equals("cascade")
                                    || node.name().equals("cascade-sink")
                                    || node.name().equals(CancelTopology.PROCESSOR)))
                    .hasSize(1);
        }
    }

    @Nested
    class ParentLinksAreIdsLikeAnyOther {

        @Test
        void runStateNamingAParentWithAControlCharacterIsDeadLetteredAndLinksNothing() {
            cancel.close();
            // at least once: see DeadLetterQueueTest on why the driver needs it to show dead letters
            cancel = new CancelDriver(Map.of(
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                    StreamsConfig.AT_LEAST_ONCE,
                    CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE,
                    true));
            cancel.admin("alice");
            run("parent", null);
            run("child", "par\nent");
            run("sibling", "parent");
            assertThat(cancel.read(cancel.topics.dlq, new ByteArrayDeserializer()))
                    .singleElement()
                    .satisfies(dead -> assertThat(dead.key()).isEqualTo("child"));

            cancel.cancel("parent", "alice");
            assertThat(cancellations()).containsOnlyKeys("parent", "sibling");
        }
    }

    @Nested
    class Rule4TerminalDescendantsAreCountedNeverRejected {

        @ParameterizedTest
        @EnumSource(
                value = RunStatus.class,
                names = {"COMPLETED", "FAILED", "CANCELLED", "ABORTED", "UNKNOWN"})
        void terminalChildProducesNoRejectionAndTheCascadeGoesOnBelowIt(RunStatus terminal) {
            cancel.admin("alice");
            run("parent", null);
            cancel.runState("ended-child", TENANT, terminal, 1, "parent");
            run("running-child", "parent");
            run("orphan", "ended-child");
            cancel.cancel("parent", "alice");

            assertThat(cancellations()).containsOnlyKeys("parent", "running-child", "orphan");
            assertThat(metric("cascade-skipped-terminal-total")).isEqualTo(1);

            run("late-orphan", "ended-child");
            assertThat(cancellations()).containsOnlyKeys("late-orphan");
        }
    }

    @Nested
    class Rule5CascadeCanBeTurnedOff {

        @Test
        void offCancelsOnlyTheRunItself() {
            cancel.close();
            cancel = new CancelDriver(Map.of(CancelProcessorConfig.CASCADE, "off"));
            cancel.admin("alice");
            run("parent", null);
            run("child", "parent");
            cancel.cancel("parent", "alice");
            assertThat(cancellations()).containsOnlyKeys("parent");
            run("late-child", "parent");
            assertThat(cancellations()).isEmpty();
        }

        @Test
        void offLeavesTheTopologyWithoutTheCascadeTopic() {
            String off = CancelTopology.build(new CancelProcessorConfig(Map.of(
                            "bootstrap.servers",
                            "unused:9092",
                            "schema.registry.url",
                            "mock://cascade-describe",
                            CancelProcessorConfig.CASCADE,
                            "off")))
                    .describe()
                    .toString();
            assertThat(off).doesNotContain(CascadeTopic.SUFFIX);
        }

        @Test
        void childrenIsTheDefault() {
            assertThat(new CancelProcessorConfig(Map.of("bootstrap.servers", "unused:9092")).cascadesToChildren())
                    .isTrue();
        }
    }

    @Nested
    class Rule6CancellingAChildDirectlyCancelsOnlyItsSubtree {

        @Test
        void parentAndSiblingsKeepRunning() {
            cancel.admin("alice");
            run("parent", null);
            run("child", "parent");
            run("sibling", "parent");
            run("grandchild", "child");
            CancelCommand command = cancel.cancel("child", "alice");

            Map<String, RunStateChange> cancelled = cancellations();
            assertThat(cancelled).containsOnlyKeys("child", "grandchild");
            assertThat(cancelled.get("child").getCascadedFrom()).isNull();
            assertThat(cancelled.get("grandchild").getCommandId()).isEqualTo(command.getCommandId() + "/grandchild");

            // the parent's later cancellation still reaches the sibling, and the child only once
            cancel.cancel("parent", "alice");
            assertThat(cancellations()).containsOnlyKeys("parent", "sibling");
        }

        @Test
        void aDirectCommandForACascadedChildIsAlreadyTerminal() {
            cancel.admin("alice");
            run("parent", null);
            run("child", "parent");
            cancel.cancel("parent", "alice");
            cancel.changes();

            cancel.cancel("child", "alice");
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
            assertThat(rejection.getObservedStatus()).isEqualTo(RunStatus.CANCELLED);
        }
    }
}
