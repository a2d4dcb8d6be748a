package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.CancelDecider;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.decision.DecisionInput;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
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

    private final ProcessorContext<String, SpecificRecord> context;
    private final CancelDecider decider;
    private final long graceMs;
    private final KeyValueStore<String, RunState> runStates;
    private final KeyValueStore<String, RunStateChange> cancellations;
    private final KeyValueStore<String, byte[]> grants;
    private final GrantDecoder grantDecoder;
    private final DecidedCommands decided;
    private final WaitingCommands waiting;
    private final DecisionMetrics metrics;

    CommandEvaluator(ProcessorContext<String, SpecificRecord> context, CancelDecider decider,
                     Duration grace, Duration dedupRetention, GrantDecoder grantDecoder) {
        this.context = context;
        this.decider = decider;
        this.graceMs = grace.toMillis();
        this.runStates = context.getStateStore(CancelStores.RUN_STATES);
        this.cancellations = context.getStateStore(CancelStores.CANCELLATIONS);
        this.grants = context.getStateStore(CancelStores.OPERATOR_GRANTS);
        this.grantDecoder = grantDecoder;
        this.decided = new DecidedCommands(context.getStateStore(CancelStores.DECIDED_COMMANDS), dedupRetention);
        this.waiting = new WaitingCommands(context.getStateStore(CancelStores.WAITING_COMMANDS),
                context.getStateStore(CancelStores.WAITING_DEADLINES));
        this.metrics = new DecisionMetrics(context.metrics(), context.taskId().toString());
    }

    /** A command as it arrives. */
    void onCommand(Record<String, CancelCommand> record) {
        CancelCommand command = record.value();
        boolean alreadyDecided = isKnown(command);
        Decision decision = decide(record.key(), command, alreadyDecided, graceMs > 0);
        if (decision instanceof Decision.Wait) {
            waiting.add(command, context.currentSystemTimeMs() + graceMs);
        }
        apply(command, decision);
    }

    /** A run state arrived: the commands waiting for it are judged again. */
    void onRunState(String executionId) {
        for (CancelCommand command : waiting.forExecution(executionId)) {
            Decision decision = decide(executionId, command, false, true);
            if (!(decision instanceof Decision.Wait)) {
                waiting.remove(command);
                apply(command, decision);
            }
        }
    }

    /** Commands whose grace ran out are judged a last time, with no more waiting allowed. */
    void expireWaiting(long nowMs) {
        for (CancelCommand command : waiting.takeExpired(nowMs)) {
            Decision decision = decide(command.getExecutionId(), command, false, false);
            apply(command, decision);
        }
    }

    void recordIgnoredRunState() {
        metrics.recordIgnoredRunState();
    }

    void close() {
        metrics.close();
    }

    private boolean isKnown(CancelCommand command) {
        if (!hasCommandId(command)) {
            return false;
        }
        return decided.contains(command.getCommandId(), context.currentSystemTimeMs())
                || (command.getExecutionId() != null && waiting.contains(command));
    }

    /** Without an id, a command cannot be recognised again: each one is judged (and rejected) anew. */
    private static boolean hasCommandId(CancelCommand command) {
        return command.getCommandId() != null && !command.getCommandId().isBlank();
    }

    private Decision decide(String key, CancelCommand command, boolean alreadyDecided, boolean mayWait) {
        return decider.decide(new DecisionInput(key, command, visibleRun(command.getExecutionId()),
                grant(command.getCancelledBy()), alreadyDecided, mayWait,
                Instant.ofEpochMilli(context.currentSystemTimeMs())));
    }

    /** Our own cancellation wins over whatever upstream says, even after upstream deleted the run. */
    private RunState visibleRun(String executionId) {
        if (executionId == null) {
            return null;
        }
        RunStateChange cancellation = cancellations.get(executionId);
        if (cancellation != null) {
            return new RunState(cancellation.getExecutionId(), cancellation.getTenantId(),
                    cancellation.getStatus(), cancellation.getVersion(), cancellation.getCancelledAt());
        }
        return runStates.get(executionId);
    }

    private OperatorGrant grant(String actorId) {
        if (actorId == null) {
            return null;
        }
        byte[] grant = grants.get(actorId);
        return grant == null ? null : grantDecoder.usable(actorId, grant);
    }

    private void apply(CancelCommand command, Decision decision) {
        metrics.record(decision);
        long now = context.currentSystemTimeMs();
        if (decision instanceof Decision.Cancel cancel) {
            RunStateChange change = cancel.change();
            cancellations.put(change.getExecutionId(), change);
            decided.add(command.getCommandId(), now);
            log.debug("Cancelled execution {} (command {}, traceId {})",
                    change.getExecutionId(), change.getCommandId(), change.getTraceId());
            context.forward(new Record<>(change.getExecutionId(), change, now));
        } else if (decision instanceof Decision.Reject reject) {
            if (hasCommandId(command)) {
                decided.add(command.getCommandId(), now);
            }
            log.debug("Rejected command {} for execution {}: {} (traceId {})", command.getCommandId(),
                    command.getExecutionId(), reject.rejection().getCode(), command.getTraceId());
            context.forward(new Record<>(reject.rejection().getExecutionId(), reject.rejection(), now));
        }
    }
}
