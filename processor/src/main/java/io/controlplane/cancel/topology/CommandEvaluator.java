package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.ActorProof;
import io.controlplane.cancel.decision.CancelDecider;
import io.controlplane.cancel.decision.CommandValidation;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.decision.DecisionInput;
import io.controlplane.cancel.decision.Moment;
import io.controlplane.cancel.decision.SeenCommands;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of a decision: loads what {@link CancelDecider} needs from the stores, calls it,
 * and writes what it decided (state first, then the output record). Shared by the processors that
 * receive commands and run states, so a command is judged the same way whichever record wakes it.
 */
final class CommandEvaluator {

    private static final Logger log = LoggerFactory.getLogger(CommandEvaluator.class);

    /** What every evaluator is built from; one per topology, shared by its processors. */
    record Factory(
            CancelDecider decider,
            Duration grace,
            Duration dedupRetention,
            GrantDecoder grantDecoder,
            CommandIdentity identity,
            Map<TaskId, WaitingCommands> waitingPerTask) {

        Factory(
                CancelDecider decider,
                Duration grace,
                Duration dedupRetention,
                GrantDecoder grantDecoder,
                CommandIdentity identity) {
            this(decider, grace, dedupRetention, grantDecoder, identity, new ConcurrentHashMap<>());
        }

        CommandEvaluator create(ProcessorContext<String, Decision.Outcome> context) {
            return new CommandEvaluator(context, this, waitingOf(context));
        }

        /**
         * The task's processors share one {@link WaitingCommands}, so that its memory of who waits
         * is the same whichever record changes it: made by the first of them to start, dropped when
         * they close (a task's processors start and close together).
         */
        private WaitingCommands waitingOf(ProcessorContext<String, Decision.Outcome> context) {
            return waitingPerTask.computeIfAbsent(
                    context.taskId(),
                    task -> new WaitingCommands(
                            context.getStateStore(CancelStores.WAITING_COMMANDS),
                            context.getStateStore(CancelStores.WAITING_DEADLINES)));
        }
    }

    private final ProcessorContext<String, Decision.Outcome> context;
    private final CancelDecider decider;
    private final long graceMs;
    private final KeyValueStore<String, RunState> runStates;
    private final KeyValueStore<String, RunStateChange> cancellations;
    private final KeyValueStore<String, byte[]> grants;
    private final GrantDecoder grantDecoder;
    private final CommandIdentity identity;
    private final DecidedCommands decided;
    private final WaitingCommands waiting;
    private final DecisionMetrics metrics;

    private final Factory factory;

    private CommandEvaluator(
            ProcessorContext<String, Decision.Outcome> context, Factory factory, WaitingCommands waiting) {
        this.context = context;
        this.factory = factory;
        this.decider = factory.decider();
        this.graceMs = factory.grace().toMillis();
        this.runStates = context.getStateStore(CancelStores.RUN_STATES);
        this.cancellations = context.getStateStore(CancelStores.CANCELLATIONS);
        this.grants = context.getStateStore(CancelStores.OPERATOR_GRANTS);
        this.grantDecoder = factory.grantDecoder();
        this.identity = factory.identity();
        this.decided =
                new DecidedCommands(context.getStateStore(CancelStores.DECIDED_COMMANDS), factory.dedupRetention());
        this.waiting = waiting;
        this.metrics = new DecisionMetrics(
                context.metrics(), context.taskId().toString(), ProcessorObserver.of(context.appConfigs()));
    }

    /** A command as it arrives. */
    void onCommand(Record<String, CancelCommand> record) {
        CancelCommand command = record.value();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        ActorProof proof = identity.prove(Authorization.of(record.headers()), now);
        Decision decision = decide(record.key(), command, Moment.ARRIVED, proof);
        if (decision instanceof Decision.Wait) {
            waiting.add(command, context.currentSystemTimeMs() + graceMs);
        }
        apply(command, decision);
    }

    /** A run state arrived: the commands waiting for it are judged again. */
    void onRunState(String executionId) {
        for (CancelCommand command : waiting.forExecution(executionId)) {
            Decision decision = decide(executionId, command, Moment.RUN_STATE_CHANGED, ActorProof.CHECKED_ON_ARRIVAL);
            if (!(decision instanceof Decision.Wait)) {
                waiting.remove(command);
                apply(command, decision);
            }
        }
    }

    /** Commands whose grace ran out are judged a last time. */
    void expireWaiting(long nowMs) {
        for (CancelCommand command : waiting.takeExpired(nowMs)) {
            apply(
                    command,
                    decide(command.getExecutionId(), command, Moment.GRACE_EXPIRED, ActorProof.CHECKED_ON_ARRIVAL));
        }
    }

    void recordIgnoredRunState() {
        metrics.recordIgnoredRunState();
    }

    void close() {
        metrics.close();
        // only this incarnation's: the task may already be open again elsewhere with a new one
        factory.waitingPerTask().remove(context.taskId(), waiting);
    }

    /** Dedup is per actor: what this actor's earlier commands were. */
    private SeenCommands seenBy(String actorId) {
        return new SeenCommands() {
            @Override
            public boolean decided(String commandId) {
                return decided.contains(actorId, commandId, context.currentSystemTimeMs());
            }

            @Override
            public boolean waiting(String executionId, String commandId) {
                return waiting.contains(executionId, actorId, commandId);
            }
        };
    }

    private Decision decide(String key, CancelCommand command, Moment moment, ActorProof proof) {
        String executionId = command.getExecutionId();
        return decider.decide(new DecisionInput(
                key,
                command,
                executionId == null ? null : runStates.get(executionId),
                executionId == null ? null : cancellations.get(executionId),
                grant(command.getCancelledBy()),
                seenBy(command.getCancelledBy()),
                moment,
                Instant.ofEpochMilli(context.currentSystemTimeMs()),
                proof));
    }

    private OperatorGrant grant(String actorId) {
        if (actorId == null) {
            return null;
        }
        byte[] grant = grants.get(actorId);
        return grant == null ? null : grantDecoder.usable(actorId, grant);
    }

    /** Writes what was decided, with the command's ids in the log context meanwhile. */
    private void apply(CancelCommand command, Decision decision) {
        DecisionLogContext.enter(command);
        try {
            write(command, decision);
        } finally {
            DecisionLogContext.leave();
        }
    }

    /** Writes what was decided: the processor's own state first, then the outcome record. */
    private void write(CancelCommand command, Decision decision) {
        long now = context.currentSystemTimeMs();
        metrics.record(command, decision, now);
        decision.accept(new Decision.Visitor<Void>() {
            @Override
            public Void cancel(Decision.Cancel cancel) {
                RunStateChange change = cancel.change();
                cancellations.put(change.getExecutionId(), change);
                decided.add(command.getCancelledBy(), command.getCommandId(), now);
                log.debug(
                        "Cancelled execution {} (command {}, traceId {})",
                        change.getExecutionId(),
                        change.getCommandId(),
                        change.getTraceId());
                context.forward(new Record<>(change.getExecutionId(), cancel, now));
                return null;
            }

            @Override
            public Void reject(Decision.Reject reject) {
                // An unproven actor's refusal is not that actor's decision: it must not pre-empt
                // the actor's own command with the same id.
                if (CommandValidation.isRecognisable(command) && !reject.actorUnproven()) {
                    decided.add(command.getCancelledBy(), command.getCommandId(), now);
                }
                log.debug(
                        "Rejected command {} for execution {}: {} (traceId {})",
                        command.getCommandId(),
                        command.getExecutionId(),
                        reject.rejection().getCode(),
                        command.getTraceId());
                context.forward(new Record<>(reject.rejection().getExecutionId(), reject, now));
                return null;
            }

            @Override
            public Void waitForRun(Decision.Wait wait) {
                return null;
            }

            @Override
            public Void duplicate(Decision.Duplicate duplicate) {
                return null;
            }
        });
    }
}
