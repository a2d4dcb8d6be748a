package io.controlplane.cancel.it.support;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Many executions, each sent several distinct cancel commands spread over the whole stream, some
 * of them sent twice; and for each command the one outcome the rules allow.
 *
 * <p>Execution {@code i} gets one command per round, the first {@code i % ROUNDS} of them from an
 * actor without the admin role; so the accepted cancel of an execution falls in any round, and
 * after a crash the processor has to remember both the cancellations and the decided commandIds
 * from before it. One execution in ten is already COMPLETED, one in ten has no run state at all.
 */
public final class CancelWorkload {

    public static final int ROUNDS = 4;
    private static final String ADMIN = "alice";
    private static final String VIEWER = "bob";
    private static final String TENANT = "acme";
    private static final String CANCELLED = "CANCELLED";

    private final int executions;
    private final List<CancelCommand> sends = new ArrayList<>();
    private final Map<String, CancelCommand> commandsById = new HashMap<>();
    private final Map<String, String> expectedOutcome = new LinkedHashMap<>();

    public CancelWorkload(int executions) {
        this.executions = executions;
        Instant now = Instant.now();
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < executions; i++) {
                String actor = round < i % ROUNDS ? VIEWER : ADMIN;
                CancelCommand command =
                        TestRecords.command(commandId(i, round), executionId(i), actor, "resilience test", now);
                sends.add(command);
                commandsById.put(command.getCommandId(), command);
                expectedOutcome.put(command.getCommandId(), expectedOutcome(i, round, actor));
                if (round > 0 && i % 10 == round) {
                    // a client retrying its previous command, a whole round later
                    sends.add(commandsById.get(commandId(i, round - 1)));
                }
            }
        }
    }

    /** Distinct commandIds: the number of outcomes the processor must produce. */
    public int commands() {
        return expectedOutcome.size();
    }

    /** Command records sent, repeats included. */
    public int records() {
        return sends.size();
    }

    /** Grants and run states, before any command, so that only the missing executions wait. */
    public void sendSetup(CancelTraffic traffic) {
        traffic.grant(ADMIN, List.of("admin"), List.of(TENANT));
        traffic.grant(VIEWER, List.of("viewer"), List.of(TENANT));
        for (int i = 0; i < executions; i++) {
            RunStatus status = status(i);
            if (status != null) {
                traffic.runState(executionId(i), TENANT, status, 1);
            }
        }
        traffic.flush();
    }

    /** Sends the commands from another thread at about {@code perSecond}, so they keep arriving through a crash. */
    public CompletableFuture<Void> streamCommands(CancelTraffic traffic, int perSecond) {
        return CompletableFuture.runAsync(() -> {
            int batch = Math.max(1, perSecond / 20);
            long start = System.nanoTime();
            for (int sent = 0; sent < sends.size(); sent++) {
                CancelCommand command = sends.get(sent);
                traffic.command(command.getExecutionId(), command);
                if (sent % batch == batch - 1) {
                    // pacing, not synchronisation: hold the rate down to perSecond
                    long due = start
                            + Duration.ofSeconds(1)
                                    .multipliedBy(sent + 1)
                                    .dividedBy(perSecond)
                                    .toNanos();
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            }
            traffic.flush();
        });
    }

    /**
     * Everything wrong with what came out, one line per kind of fault; empty when every command got
     * exactly its one outcome and no execution was cancelled twice.
     */
    public List<String> faultsIn(Outcomes outcomes) {
        Map<String, List<String>> outcomesByCommand = new HashMap<>();
        Map<String, Integer> cancellationsByExecution = new TreeMap<>();
        for (RunStateChange cancelled : outcomes.cancellations) {
            outcomesByCommand
                    .computeIfAbsent(cancelled.getCommandId(), id -> new ArrayList<>())
                    .add(CANCELLED);
            cancellationsByExecution.merge(cancelled.getExecutionId(), 1, Integer::sum);
        }
        for (CancelRejection rejection : outcomes.rejections) {
            outcomesByCommand
                    .computeIfAbsent(String.valueOf(rejection.getCommandId()), id -> new ArrayList<>())
                    .add(rejection.getCode().name());
        }
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> repeated = new ArrayList<>();
        expectedOutcome.forEach((commandId, expected) -> {
            List<String> got = outcomesByCommand.getOrDefault(commandId, List.of());
            if (got.isEmpty()) {
                missing.add(commandId);
            } else if (got.size() > 1) {
                repeated.add(commandId + " " + got);
            } else if (!got.get(0).equals(expected)) {
                wrong.add(commandId + " expected " + expected + " got " + got.get(0));
            }
        });
        List<String> faults = new ArrayList<>();
        fault(faults, "commands without an outcome", missing);
        fault(faults, "commands with more than one outcome", repeated);
        fault(faults, "commands with the wrong outcome", wrong);
        fault(
                faults,
                "outcomes for commands never sent",
                outcomesByCommand.keySet().stream()
                        .filter(id -> !expectedOutcome.containsKey(id))
                        .toList());
        fault(
                faults,
                "executions cancelled more than once",
                cancellationsByExecution.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .map(e -> e.getKey() + " x" + e.getValue())
                        .toList());
        fault(
                faults,
                "dead letters",
                outcomes.deadLetters.stream().map(r -> String.valueOf(r.key())).toList());
        return faults;
    }

    private static void fault(List<String> faults, String kind, List<String> instances) {
        if (!instances.isEmpty()) {
            faults.add(instances.size() + " " + kind + ", e.g. " + instances.subList(0, Math.min(5, instances.size())));
        }
    }

    private static String expectedOutcome(int i, int round, String actor) {
        if (actor.equals(VIEWER)) {
            return "UNAUTHORIZED";
        }
        RunStatus status = status(i);
        if (status == null) {
            return "EXECUTION_NOT_FOUND";
        }
        boolean firstByAdmin = round == i % ROUNDS;
        return status == RunStatus.RUNNING && firstByAdmin ? CANCELLED : "ALREADY_TERMINAL";
    }

    /** The run state upstream reports for execution {@code i}; null: none at all. */
    private static RunStatus status(int i) {
        return switch (i % 10) {
            case 8 -> RunStatus.COMPLETED;
            case 9 -> null;
            default -> RunStatus.RUNNING;
        };
    }

    private static String executionId(int i) {
        return "exec-" + i;
    }

    private static String commandId(int i, int round) {
        return "cmd-" + i + "-" + round;
    }
}
