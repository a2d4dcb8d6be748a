package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.decision.RunStatuses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Random runs (tenants, statuses, update times), a random bulk filter (statuses, a list of ids, a
 * time), single cancels and run-state updates interleaved with the bulk's turns: exactly the runs
 * that matched when the bulk reached them, or that a single cancel named, end with one CANCELLED
 * record each; no other run is touched, and none is cancelled twice.
 */
class BulkCancelProperties {

    private static final List<String> TENANTS = List.of("tenant-a", "tenant-a", "tenant-b");
    private static final List<RunStatus> STATUSES = List.of(
            RunStatus.RUNNING,
            RunStatus.QUEUED,
            RunStatus.PENDING,
            RunStatus.PAUSED,
            RunStatus.COMPLETED,
            RunStatus.FAILED);
    private static final Instant EPOCH = Instant.parse("2026-11-20T00:00:00Z");

    record Run(String tenantId, RunStatus status, int updatedMinute) {}

    /** Between two turns of the task: a single cancel of a run, or a run finishing on its own. */
    record Interleaved(int run, boolean singleCancel) {}

    record Scenario(
            List<Run> runs,
            List<RunStatus> statuses,
            List<Integer> listed,
            Integer updatedBeforeMinute,
            List<Interleaved> between) {}

    private CancelDriver cancel;

    @AfterTry
    void close() {
        if (cancel != null) {
            cancel.close();
        }
    }

    @Property(tries = 60)
    void exactlyTheMatchingRunsAreCancelledOnce(@ForAll("scenarios") Scenario scenario) {
        cancel = new CancelDriver(Map.of(CancelProcessorConfig.BULK_PAGE_SIZE, 3));
        cancel.grant("root", List.of("admin"), List.of("*"));
        List<Run> runs = scenario.runs();
        Map<String, Run> current = new HashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            cancel.runStateRecord(
                    id(i),
                    new RunState(id(i), run.tenantId(), run.status(), 1L, minute(run.updatedMinute()), null, null));
            current.put(id(i), run);
        }
        BulkCancelCommand.Builder bulk = BulkCancelTopologyTest.start("bulk", "root")
                .setStatuses(scenario.statuses())
                .setExecutionIds(
                        scenario.listed().stream().map(BulkCancelProperties::id).toList());
        if (scenario.updatedBeforeMinute() != null) {
            bulk.setUpdatedBefore(minute(scenario.updatedBeforeMinute()));
        }
        BulkCancelCommand command = bulk.build();
        cancel.bulk(command);

        // The model: what a run is when the bulk looks at it decides; single cancels and runs ending
        // on their own come between the task's turns, each turn looking at up to 3 runs in key order.
        Set<String> cancelledBySingle = new HashSet<>();
        Set<String> ended = new HashSet<>();
        List<TestRecord<String, RunStateChange>> out = new ArrayList<>();
        for (Interleaved next : scenario.between()) {
            String id = id(next.run() % runs.size());
            if (next.singleCancel()) {
                cancel.cancel(id, "root");
            } else {
                Run run = current.get(id);
                cancel.runStateRecord(
                        id,
                        new RunState(
                                id, run.tenantId(), RunStatus.COMPLETED, 2L, minute(run.updatedMinute()), null, null));
            }
            cancel.advanceWallClock(ExecutionProcessor.BULK_TURN_INTERVAL);
            out.addAll(cancel.changes());
        }
        for (int i = 0; i < runs.size() + 3; i++) {
            cancel.advanceWallClock(ExecutionProcessor.BULK_TURN_INTERVAL);
        }
        out.addAll(cancel.changes());

        Map<String, RunStateChange> byRun = new HashMap<>();
        for (TestRecord<String, RunStateChange> change : out) {
            assertThat(byRun.put(change.key(), change.value()))
                    .as("a second CANCELLED for %s", change.key())
                    .isNull();
        }
        for (int i = 0; i < runs.size(); i++) {
            String id = id(i);
            Run run = runs.get(i);
            RunStateChange change = byRun.get(id);
            boolean matches = matches(run, scenario, i);
            if (change == null) {
                // not cancelled: it did not match, or it ended (or was cancelled singly... which would show) first
                assertThat(matches && RunStatuses.isCancellable(run.status()) && !endedBeforeAnyone(scenario, i))
                        .as("%s matched and was never cancelled", id)
                        .isFalse();
                continue;
            }
            assertThat(change.getTenantId()).isEqualTo(run.tenantId());
            if (change.getCommandId().startsWith("bulk/")) {
                assertThat(matches)
                        .as("%s cancelled by the bulk without matching", id)
                        .isTrue();
                assertThat(run.tenantId()).isEqualTo("tenant-a");
                assertThat(change.getPreviousStatus()).isEqualTo(run.status());
            } else {
                assertThat(scenario.between())
                        .as("%s cancelled by a single cancel never sent", id)
                        .anyMatch(next ->
                                next.singleCancel() && next.run() % runs.size() == Integer.parseInt(id.substring(4)));
            }
        }
    }

    /** Whether the run, as it was first, is one the bulk's filter takes. */
    private static boolean matches(Run run, Scenario scenario, int index) {
        if (!run.tenantId().equals("tenant-a") || RunStatuses.isTerminal(run.status())) {
            return false;
        }
        if (!scenario.statuses().isEmpty() && !scenario.statuses().contains(run.status())) {
            return false;
        }
        if (!scenario.listed().isEmpty() && !scenario.listed().contains(index)) {
            return false;
        }
        return scenario.updatedBeforeMinute() == null || run.updatedMinute() < scenario.updatedBeforeMinute();
    }

    /** Whether something else reached the run before it could be cancelled: then it may be left as it is. */
    private static boolean endedBeforeAnyone(Scenario scenario, int index) {
        return scenario.between().stream()
                .anyMatch(next -> next.run() % scenario.runs().size() == index);
    }

    private static String id(int index) {
        return String.format("run-%02d", index);
    }

    private static Instant minute(int minute) {
        return EPOCH.plusSeconds(60L * minute);
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Run> run = Combinators.combine(
                        Arbitraries.of(TENANTS),
                        Arbitraries.of(STATUSES),
                        Arbitraries.integers().between(0, 9))
                .as(Run::new);
        Arbitrary<List<Run>> runs = run.list().ofMinSize(1).ofMaxSize(25);
        Arbitrary<List<RunStatus>> statuses = Arbitraries.of(
                        RunStatus.RUNNING, RunStatus.QUEUED, RunStatus.PENDING, RunStatus.PAUSED)
                .list()
                .ofMaxSize(2)
                .uniqueElements();
        Arbitrary<List<Integer>> listed = Arbitraries.oneOf(
                Arbitraries.just(List.of()),
                Arbitraries.integers().between(0, 29).list().ofMaxSize(10).uniqueElements());
        Arbitrary<Integer> before = Arbitraries.integers().between(0, 10).injectNull(0.5);
        Arbitrary<List<Interleaved>> between = Combinators.combine(
                        Arbitraries.integers().between(0, 30), Arbitraries.of(true, false))
                .as(Interleaved::new)
                .list()
                .ofMaxSize(8);
        return Combinators.combine(runs, statuses, listed, before, between).as(Scenario::new);
    }
}
