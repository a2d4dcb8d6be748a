package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.decision.RunStatuses;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Random trees of runs (parents, children, grandchildren; random tenants; some terminal; parent
 * links that may form cycles), their run states, tombstones and cancel commands arriving in a random
 * order: every non-terminal descendant of a cancelled run in that run's tenant ends with exactly one
 * CANCELLED record, and nothing else is cancelled.
 */
class CascadeTreeProperties {

    private static final List<String> TENANTS = List.of("tenant-a", "tenant-a", "tenant-a", "tenant-b");
    private static final List<RunStatus> STATUSES = List.of(
            RunStatus.RUNNING,
            RunStatus.RUNNING,
            RunStatus.PENDING,
            RunStatus.PAUSED,
            RunStatus.WAITING,
            RunStatus.COMPLETED,
            RunStatus.FAILED,
            RunStatus.CANCELLED);

    /**
     * One run: its parent (an index into the tree; -1 = none; any index, itself included, so cycles
     * happen), tenant, status, and whether its state is deleted once and sent again later.
     */
    record Run(int parent, String tenantId, RunStatus status, boolean deletedOnce) {}

    record Scenario(List<Run> runs, List<Integer> commandTargets, long orderSeed) {}

    private CancelDriver cancel;

    @AfterTry
    void close() {
        if (cancel != null) {
            cancel.close();
        }
    }

    @Property(tries = 80)
    void everyLiveSameTenantDescendantOfACancelledRunIsCancelledExactlyOnce(@ForAll("scenarios") Scenario scenario) {
        cancel = new CancelDriver();
        cancel.grant("root", List.of("admin"), List.of("*"));
        List<Run> runs = scenario.runs();
        for (Step step : order(scenario)) {
            String id = id(step.run());
            Run run = runs.get(step.run());
            switch (step.kind()) {
                case STATE ->
                    cancel.runState(
                            id,
                            run.tenantId(),
                            run.status(),
                            step.version(),
                            run.parent() < 0 ? null : id(run.parent()));
                case DELETE -> cancel.deleteRun(id);
                case COMMAND -> cancel.cancel(id, "root");
            }
        }
        cancel.advanceWallClock(Duration.ofSeconds(11));

        Map<String, List<RunStateChange>> cancelled = new HashMap<>();
        for (TestRecord<String, RunStateChange> change : cancel.changes()) {
            cancelled
                    .computeIfAbsent(change.value().getExecutionId(), k -> new ArrayList<>())
                    .add(change.value());
        }
        assertThat(cancelled.values()).as("CANCELLED records per run").allMatch(records -> records.size() == 1);
        assertThat(cancelled.keySet()).isEqualTo(expectedCancelled(scenario));
        cancelled.values().stream().map(records -> records.get(0)).forEach(change -> {
            int child = index(change.getExecutionId());
            if (change.getCascadedFrom() == null) {
                assertThat(scenario.commandTargets()).contains(child);
            } else {
                int from = index(change.getCascadedFrom());
                assertThat(cancelled).containsKey(change.getCascadedFrom());
                assertThat(runs.get(from).tenantId()).isEqualTo(change.getTenantId());
                assertThat(descendants(runs, from)).contains(child);
                assertThat(change.getCommandId()).endsWith("/" + change.getExecutionId());
            }
        });
    }

    /**
     * The model: in each tenant, the runs commanded that can be cancelled, and every run of that
     * tenant that can be cancelled among their descendants, through runs of any status and tenant.
     */
    private static Set<String> expectedCancelled(Scenario scenario) {
        List<Run> runs = scenario.runs();
        Set<String> ids = new HashSet<>();
        for (int target : scenario.commandTargets()) {
            Run root = runs.get(target);
            if (!RunStatuses.isCancellable(root.status())) {
                continue;
            }
            ids.add(id(target));
            for (int descendant : descendants(runs, target)) {
                Run run = runs.get(descendant);
                if (run.tenantId().equals(root.tenantId()) && RunStatuses.isCancellable(run.status())) {
                    ids.add(id(descendant));
                }
            }
        }
        return ids;
    }

    /** Every run below {@code ancestor} in the parent links (cycles included, each run once). */
    private static Set<Integer> descendants(List<Run> runs, int ancestor) {
        Set<Integer> found = new HashSet<>();
        Deque<Integer> toVisit = new ArrayDeque<>(List.of(ancestor));
        while (!toVisit.isEmpty()) {
            int parent = toVisit.poll();
            for (int child = 0; child < runs.size(); child++) {
                if (runs.get(child).parent() == parent && found.add(child)) {
                    toVisit.add(child);
                }
            }
        }
        return found;
    }

    enum Kind {
        STATE,
        DELETE,
        COMMAND
    }

    record Step(Kind kind, int run, long version) {}

    /**
     * Each run's own records in their order (state, then maybe tombstone and the state again with a
     * higher version), commands anywhere, all interleaved at random.
     */
    private static List<Step> order(Scenario scenario) {
        List<Deque<Step>> lanes = new ArrayList<>();
        for (int i = 0; i < scenario.runs().size(); i++) {
            Deque<Step> lane = new ArrayDeque<>();
            lane.add(new Step(Kind.STATE, i, 1));
            if (scenario.runs().get(i).deletedOnce()) {
                lane.add(new Step(Kind.DELETE, i, 0));
                lane.add(new Step(Kind.STATE, i, 2));
            }
            lanes.add(lane);
        }
        for (int target : scenario.commandTargets()) {
            lanes.add(new ArrayDeque<>(List.of(new Step(Kind.COMMAND, target, 0))));
        }
        Random random = new Random(scenario.orderSeed());
        List<Step> steps = new ArrayList<>();
        while (!lanes.isEmpty()) {
            int lane = random.nextInt(lanes.size());
            steps.add(lanes.get(lane).poll());
            if (lanes.get(lane).isEmpty()) {
                lanes.remove(lane);
            }
        }
        return steps;
    }

    private static String id(int run) {
        return "run-" + run;
    }

    private static int index(String id) {
        return Integer.parseInt(id.substring("run-".length()));
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.integers().between(1, 14).flatMap(size -> {
            // one parent or none per run: trees, chains, and now and then a cycle or a self-link
            Arbitrary<Integer> parent = Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(2, Arbitraries.just(-1)),
                    net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, size - 1)));
            Arbitrary<Run> run = Combinators.combine(
                            parent,
                            Arbitraries.of(TENANTS),
                            Arbitraries.of(STATUSES),
                            Arbitraries.of(true, false, false))
                    .as(Run::new);
            Arbitrary<List<Run>> runs = run.list().ofSize(size);
            Arbitrary<List<Integer>> targets = Arbitraries.integers()
                    .between(0, size - 1)
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(3);
            return Combinators.combine(runs, targets, Arbitraries.longs()).as(Scenario::new);
        });
    }
}
