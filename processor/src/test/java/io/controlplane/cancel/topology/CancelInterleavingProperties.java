package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Duration;
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
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Random interleavings of commands (repeated, unkeyed, by actors with and without rights), run-state
 * updates (out of order, terminal, deleted) and clock ticks: never two CANCELLED records for one
 * execution, and every distinct command gets exactly one outcome.
 */
class CancelInterleavingProperties {

    private static final List<String> EXECUTIONS = List.of("e0", "e1", "e2");
    private static final List<String> ACTORS = List.of("alice", "bob", "mallory");

    sealed interface Step {}

    /** Command i is always the same command, so sending it twice is a true repeat. */
    record Send(int commandIndex, boolean keyed) implements Step {
        String commandId() {
            return "c" + commandIndex;
        }

        String executionId() {
            return EXECUTIONS.get(commandIndex % EXECUTIONS.size());
        }

        String actorId() {
            return ACTORS.get(commandIndex / EXECUTIONS.size() % ACTORS.size());
        }
    }

    record Update(String executionId, String tenantId, RunStatus status, long version) implements Step {}

    record Delete(String executionId) implements Step {}

    record Tick(int seconds) implements Step {}

    private CancelDriver cancel;

    @AfterTry
    void close() {
        if (cancel != null) {
            cancel.close();
        }
    }

    @Property(tries = 100)
    void neverTwoCancellationsAndEveryCommandDecidedOnce(@ForAll("scenarios") List<Step> steps) {
        cancel = new CancelDriver();
        cancel.grant("alice", List.of("admin"), List.of("tenant-a"));
        cancel.grant("bob", List.of("admin"), List.of("*"));
        Set<String> sent = new HashSet<>();
        for (Step step : steps) {
            if (step instanceof Send send) {
                CancelCommand command = cancel.command(send.commandId(), send.executionId(), send.actorId());
                cancel.send(send.keyed() ? send.executionId() : null, command);
                sent.add(send.commandId());
            } else if (step instanceof Update update) {
                cancel.runState(update.executionId(), update.tenantId(), update.status(), update.version());
            } else if (step instanceof Delete delete) {
                cancel.deleteRun(delete.executionId());
            } else if (step instanceof Tick tick) {
                cancel.advanceWallClock(Duration.ofSeconds(tick.seconds()));
            }
        }
        cancel.advanceWallClock(Duration.ofSeconds(11));

        List<TestRecord<String, RunStateChange>> changes = cancel.changes();
        List<TestRecord<String, CancelRejection>> rejections = cancel.rejections();
        Map<String, Integer> cancellationsPerExecution = new HashMap<>();
        List<String> outcomesByCommand = new ArrayList<>();
        for (TestRecord<String, RunStateChange> change : changes) {
            cancellationsPerExecution.merge(change.value().getExecutionId(), 1, Integer::sum);
            outcomesByCommand.add(change.value().getCommandId());
        }
        rejections.forEach(r -> outcomesByCommand.add(r.value().getCommandId()));

        assertThat(cancellationsPerExecution.values()).allMatch(count -> count == 1);
        assertThat(outcomesByCommand).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
    }

    @Provide
    Arbitrary<List<Step>> scenarios() {
        Arbitrary<String> execution = Arbitraries.of(EXECUTIONS);
        Arbitrary<Step> send = Combinators.combine(Arbitraries.integers().between(0, 11), Arbitraries.of(true, false))
                .as(Send::new);
        Arbitrary<Step> update = Combinators.combine(
                        execution,
                        Arbitraries.of("tenant-a", "tenant-b"),
                        Arbitraries.of(RunStatus.class),
                        Arbitraries.longs().between(1, 6))
                .as(Update::new);
        Arbitrary<Step> delete = execution.map(Delete::new);
        Arbitrary<Step> tick = Arbitraries.integers().between(1, 12).map(Tick::new);
        return Arbitraries.frequencyOf(Tuple.of(5, send), Tuple.of(4, update), Tuple.of(1, delete), Tuple.of(2, tick))
                .list()
                .ofMinSize(1)
                .ofMaxSize(40);
    }
}
