package io.controlplane.cancel.bench;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.decision.CancelDecider;
import io.controlplane.cancel.decision.CancelPolicy;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.decision.DecisionInput;
import io.controlplane.cancel.decision.Moment;
import io.controlplane.cancel.decision.SeenCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The pure decision function alone, on the paths the workload takes most: a cancel carried out, a
 * rejection (ALREADY_TERMINAL: it runs every check before it and builds the longest record), a
 * duplicate (the first check that ends it, after the identity one), and a command that waits for
 * its run. The stores behind {@link SeenCommands} are not measured: here they answer from memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecisionBenchmark {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final String TENANT = "acme";

    private final CancelDecider decider = new CancelDecider(new CancelPolicy("admin", Duration.ofSeconds(10)));
    private final OperatorGrant grant = new OperatorGrant("alice", List.of("admin"), List.of(TENANT));
    private final CancelCommand command = new CancelCommand(
            "cmd-4711",
            "run-4711",
            "alice",
            "stuck in a retry loop",
            NOW.minusMillis(20),
            "trace-4711",
            CancelMode.FORCE,
            null,
            null);

    private final DecisionInput accepted = arrived(run(RunStatus.RUNNING), seen(false));
    private final DecisionInput alreadyTerminal = arrived(run(RunStatus.COMPLETED), seen(false));
    private final DecisionInput duplicate = arrived(run(RunStatus.RUNNING), seen(true));
    private final DecisionInput waiting = arrived(null, seen(false));

    @Benchmark
    public Decision acceptedCancel() {
        return decider.decide(accepted);
    }

    @Benchmark
    public Decision rejectedAlreadyTerminal() {
        return decider.decide(alreadyTerminal);
    }

    @Benchmark
    public Decision duplicate() {
        return decider.decide(duplicate);
    }

    @Benchmark
    public Decision waitForRun() {
        return decider.decide(waiting);
    }

    private DecisionInput arrived(RunState run, SeenCommands seen) {
        return new DecisionInput(command.getExecutionId(), command, run, null, grant, seen, Moment.ARRIVED, NOW);
    }

    private static RunState run(RunStatus status) {
        return new RunState("run-4711", TENANT, status, 3L, NOW.minusSeconds(5), null, null);
    }

    private static SeenCommands seen(boolean decided) {
        return new SeenCommands() {
            @Override
            public boolean decided(String commandId) {
                return decided;
            }

            @Override
            public boolean waiting(String executionId, String commandId) {
                return false;
            }
        };
    }
}
