package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.config.BulkPacing;
import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.decision.ActorProof;
import io.controlplane.cancel.decision.BulkFilter;
import io.controlplane.cancel.decision.CancelDecider;
import io.controlplane.cancel.decision.CancelPolicy;
import io.controlplane.cancel.decision.CascadeRule;
import io.controlplane.cancel.decision.CommandValidation;
import io.controlplane.cancel.decision.DeadlinePolicy;
import io.controlplane.cancel.decision.DeadlineRule;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.decision.DecisionInput;
import io.controlplane.cancel.decision.GracefulRule;
import io.controlplane.cancel.decision.Ids;
import io.controlplane.cancel.decision.Moment;
import io.controlplane.cancel.decision.RunStateRules;
import io.controlplane.cancel.decision.RunStateValidation;
import io.controlplane.cancel.decision.SeenCommands;
import io.controlplane.cancel.errors.BadInputException;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.metrics.ProcessorObserver;
import io.controlplane.cancel.serde.UndecodableRecordException;
import io.controlplane.cancel.state.ExecutionRecordFormat;
import io.controlplane.cancel.state.GracefulCancel;
import io.controlplane.cancel.state.HeldCommand;
import io.controlplane.cancel.state.WaitingCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one processor of everything keyed by executionId: commands, run states, the cascade's
 * messages, and the expiry of what waited. Each input record costs one read of its run's record
 * ({@link RunRecord}, store {@value CancelStores#EXECUTIONS}), the pure rules ({@link CancelDecider},
 * {@link CascadeRule}), at most one write of that record, and then its outputs: the state is written
 * before anything is forwarded, so an output never exists without the state that explains it.
 */
final class ExecutionProcessor implements Processor<String, ExecutionInput, String, ExecutionOutput> {

    private static final Logger log = LoggerFactory.getLogger(ExecutionProcessor.class);

    /**
     * How often a task looks at what is due: the grace, a graceful cancel's escalation, a schedule, a
     * deadline. Each is a person's wait, so it runs on the wall clock, not on stream time that may
     * stall; every half second, so that each fires within a second of its time even when the
     * punctuation itself runs late (measured in TimersThroughACrashIT: at a one-second interval, some
     * fired up to 1.14 s late on two loaded cores).
     */
    private static final Duration DUE_CHECK_INTERVAL = Duration.ofMillis(500);

    /** How often a task takes a turn at its bulk cancels, between its other records. */
    static final Duration BULK_TURN_INTERVAL = Duration.ofMillis(100);

    /** What every instance is built from; one per topology. */
    record Settings(
            CancelDecider decider,
            CancelPolicy.Timing timing,
            DeadlinePolicy deadlines,
            Duration grace,
            Duration dedupRetention,
            OperatorGrants grants,
            CommandIdentity identity,
            boolean cascade,
            boolean previousVersionStores,
            BulkPacing bulkPacing,
            KeyPartitioner partitioner,
            int inputPartitions) {}

    private final Settings settings;
    private final long graceMs;
    private final long retentionMs;
    private final ExecutionRecordFormat format = new ExecutionRecordFormat();
    /** Outputs of the record being processed, forwarded once its state is written. */
    private final List<Record<String, ExecutionOutput>> pending = new ArrayList<>();

    private ProcessorContext<String, ExecutionOutput> context;
    private KeyValueStore<String, byte[]> executions;
    private KeyValueStore<String, byte[]> grantStore;
    private DueIndex due;
    private UnroutedDecisions unrouted;
    private PreviousVersionState previous;
    private DecisionMetrics metrics;
    private DecisionMetrics.Cascade cascadeMetrics;
    private DecisionMetrics.Bulk bulkMetrics;
    private DecisionMetrics.OverTime overTime;
    private BulkTasks bulks;
    /** When this task began to read: what is due waits until it has read for one whole grace. */
    private long readingSinceMs;

    ExecutionProcessor(Settings settings) {
        this.settings = settings;
        this.graceMs = settings.grace().toMillis();
        this.retentionMs = settings.dedupRetention().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, ExecutionOutput> context) {
        this.context = context;
        executions = context.getStateStore(CancelStores.EXECUTIONS);
        grantStore = context.getStateStore(CancelStores.OPERATOR_GRANTS);
        due = new DueIndex(context.getStateStore(CancelStores.DUE));
        unrouted = new UnroutedDecisions(context.getStateStore(CancelStores.UNROUTED_DECIDED), due, retentionMs);
        String taskId = context.taskId().toString();
        metrics = new DecisionMetrics(context.metrics(), taskId, ProcessorObserver.of(context.appConfigs()));
        if (settings.cascade()) {
            cascadeMetrics =
                    new DecisionMetrics.Cascade(context.metrics(), taskId, ProcessorObserver.of(context.appConfigs()));
        }
        bulkMetrics = new DecisionMetrics.Bulk(context.metrics(), taskId, ProcessorObserver.of(context.appConfigs()));
        overTime = new DecisionMetrics.OverTime(context.metrics(), taskId, ProcessorObserver.of(context.appConfigs()));
        if (settings.previousVersionStores()) {
            previous = PreviousVersionState.of(context, executions, format, due, settings);
        }
        // A task opened after a crash, a restart or a move holds commands whose deadlines passed
        // while nobody read the run states queued behind them in its input: nothing expires (and no
        // grace, schedule or run deadline fires) until the task has been reading for one whole
        // grace, so that those run states are read first: a run that ended meanwhile is not cancelled.
        long readingSince = context.currentSystemTimeMs();
        readingSinceMs = readingSince;
        Duration interval = !settings.grace().isZero() && settings.grace().compareTo(DUE_CHECK_INTERVAL) < 0
                ? settings.grace()
                : DUE_CHECK_INTERVAL;
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (previous != null) {
                previous.moveOnce();
            }
            if (hasCaughtUp(now)) {
                takeDue(now);
            }
        });
        bulks = new BulkTasks(
                context.getStateStore(CancelStores.BULK_TASKS),
                executions,
                settings.bulkPacing(),
                this::visitForBulk,
                context.taskId().partition(),
                settings.inputPartitions(),
                settings.partitioner(),
                retentionMs,
                readingSince);
        bulkMetrics.held(bulks::held);
        context.schedule(BULK_TURN_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
            bulks.turn(now);
            bulkMetrics.held(bulks::held);
            forwardBulkProgress(now);
        });
    }

    @Override
    public void process(Record<String, ExecutionInput> record) {
        if (previous != null) {
            previous.moveOnce();
        }
        ExecutionInput input = record.value();
        if (input instanceof ExecutionInput.Command command) {
            onCommand(record, command.command());
        } else if (input instanceof ExecutionInput.RunStateUpdate update) {
            onRunState(record.key(), update.state());
        } else if (input instanceof CascadeMessage.ChildLink link) {
            onChildLink(record.key(), link.childId());
        } else if (input instanceof CascadeMessage.Cascade cascade) {
            onCascade(record.key(), cascade.cause(), cascade.grace());
        } else if (input instanceof ExecutionInput.BulkTask task) {
            long now = context.currentSystemTimeMs();
            bulks.onCommand(record.key(), task.command(), now);
            bulkMetrics.held(bulks::held);
            forwardBulkProgress(now);
        }
    }

    @Override
    public void close() {
        metrics.close();
        if (cascadeMetrics != null) {
            cascadeMetrics.close();
        }
        bulkMetrics.close();
        overTime.close();
    }

    private boolean hasCaughtUp(long now) {
        return now - readingSinceMs >= graceMs;
    }

    private void onCommand(Record<String, ExecutionInput> record, CancelCommand command) {
        if (command == null) {
            // Thrown so that Kafka Streams' processing-exception handler puts it on the dead-letter queue.
            throw new BadInputException("A cancel command record has no value; there is nothing to decide");
        }
        long now = context.currentSystemTimeMs();
        ActorProof proof = settings.identity().prove(Authorization.of(record.headers()), Instant.ofEpochMilli(now));
        String executionId = record.key();
        if (!namesItsRun(executionId, command)) {
            onUnroutedCommand(executionId, command, proof, now);
            return;
        }
        RunRecord run = load(executionId);
        Decision decision = decide(executionId, command, run, Moment.ARRIVED, proof, now);
        if (apply(executionId, run, command, decision, now)) {
            save(executionId, run, now);
        }
        flush();
    }

    /**
     * A command that is not keyed by a valid executionId naming it is invalid, and is decided without
     * a run. Its repeat is still recognised, from a small store of its own whose entries drop out
     * after the retention, a segment at a time.
     */
    private void onUnroutedCommand(String key, CancelCommand command, ActorProof proof, long now) {
        String actorId = command.getCancelledBy();
        Decision decision = settings.decider()
                .decide(new DecisionInput(
                        key,
                        command,
                        null,
                        null,
                        null,
                        grant(actorId),
                        new SeenCommands() {
                            @Override
                            public boolean decided(String commandId) {
                                return unrouted.contains(actorId, commandId, now);
                            }

                            @Override
                            public boolean waiting(String executionId, String commandId) {
                                return false;
                            }
                        },
                        Moment.ARRIVED,
                        Instant.ofEpochMilli(now),
                        proof));
        if (decision instanceof Decision.Wait || decision instanceof Decision.Hold) {
            // only a valid command can wait or be held, and a valid command names its run by its key
            throw new IllegalStateException("A command not keyed by its executionId cannot wait for its run");
        }
        DecisionLogContext.enter(command);
        try {
            metrics.record(command, decision, now);
            if (decision instanceof Decision.Reject reject) {
                if (CommandValidation.isRecognisable(command) && !reject.actorUnproven()) {
                    unrouted.add(actorId, command.getCommandId(), now);
                }
                logRejection(command, reject);
                pending.add(
                        new Record<>(reject.rejection().getExecutionId(), new ExecutionOutput.Outcome(reject), now));
            }
        } finally {
            DecisionLogContext.leave();
        }
        flush();
    }

    private void onRunState(String executionId, RunState update) {
        RunStateValidation.problem(executionId, update).ifPresent(problem -> {
            // Thrown so that Kafka Streams' processing-exception handler puts it on the dead-letter queue.
            throw new InvalidRunStateException(problem);
        });
        long now = context.currentSystemTimeMs();
        RunRecord run = load(executionId);
        if (update == null) {
            if (run.upstream() != null) {
                run.upstream(null);
                save(executionId, run, now);
            }
            return;
        }
        RunState held = run.upstream();
        if (!RunStateRules.replaces(held, update)) {
            metrics.recordIgnoredRunState();
            return;
        }
        run.upstream(update);
        if (run.cancelling() != null) {
            onUpstreamWhileCancelling(executionId, run, update, now);
        }
        if (run.hasWaiting()) {
            judgeWaiting(executionId, run, Moment.RUN_STATE_CHANGED, now);
        }
        Instant deadline = update.getDeadlineAt();
        if (deadline != null && (held == null || !deadline.equals(held.getDeadlineAt()))) {
            due.add(deadline.toEpochMilli(), executionId);
        }
        if (hasCaughtUp(now)) {
            fireDeadline(executionId, run, now);
        }
        save(executionId, run, now);
        String parentId = update.getParentExecutionId();
        // A link is sent once per parent a run names, not with every state: the parent keeps it.
        if (settings.cascade() && parentId != null && (held == null || !parentId.equals(held.getParentExecutionId()))) {
            pending.add(new Record<>(parentId, new CascadeMessage.ChildLink(executionId), now));
        }
        flush();
    }

    /**
     * Rule 2: upstream's report ends a graceful cancel going on when it is terminal: CANCELLED is the
     * executor confirming (the processor writes the run's one CANCELLED); another terminal status
     * means the run ended on its own first (nothing more is written). Anything else changes nothing:
     * the run stays CANCELLING for this processor.
     */
    private void onUpstreamWhileCancelling(String executionId, RunRecord run, RunState update, long now) {
        switch (GracefulRule.onUpstream(update)) {
            case CONFIRMED -> {
                RunStateChange change =
                        GracefulRule.confirmed(run.cancellingChange(), update, Instant.ofEpochMilli(now));
                run.cancellation(change);
                run.stopCancelling();
                overTime.confirmed();
                log.debug("Execution {} stopped as asked (command {})", executionId, change.getCommandId());
                pending.add(new Record<>(executionId, new ExecutionOutput.Outcome(new Decision.Cancel(change)), now));
            }
            case ENDED_OTHERWISE -> {
                run.stopCancelling();
                overTime.endedOtherwise();
            }
            case STOPPING -> {
                // still stopping: its grace goes on
            }
        }
    }

    /**
     * On the parent's task: a child's state named this run. Kept for cascades to come; and if this
     * run was cancelled already, or a cascade passed through it, the child gets that at once, however
     * late it appears. Both happen here one record at a time, so there is no window between them.
     */
    private void onChildLink(String parentId, String childId) {
        long now = context.currentSystemTimeMs();
        RunRecord parent = load(parentId);
        if (parent.addChild(childId)) {
            save(parentId, parent, now);
        }
        if (parent.cancellation() != null) {
            pending.add(new Record<>(childId, CascadeMessage.forced(parent.cancellation()), now));
        } else if (parent.cancelling() != null) {
            // a late child has until the parent is forced
            long left = Math.max(0, parent.cancelling().getEscalateAtMs() - now);
            pending.add(new Record<>(
                    childId, new CascadeMessage.Cascade(parent.cancellingChange(), Duration.ofMillis(left)), now));
        }
        for (RunStateChange passedThrough : parent.passes()) {
            // a pass does not keep its grace: a late child gets the default one
            pending.add(new Record<>(
                    childId,
                    new CascadeMessage.Cascade(passedThrough, settings.timing().gracefulTimeout()),
                    now));
        }
        flush();
    }

    /** On a descendant's task: the cancellation of its nearest cancelled ancestor arrives. */
    private void onCascade(String descendantId, RunStateChange cause, Duration grace) {
        long now = context.currentSystemTimeMs();
        RunRecord descendant = load(descendantId);
        CascadeRule.Result result = CascadeRule.decide(
                cause,
                grace,
                descendantId,
                descendant.upstream(),
                descendant.cancellation(),
                descendant.cancellingChange(),
                descendant.passed(cause),
                Instant.ofEpochMilli(now));
        cascadeMetrics.record(result);
        if (result instanceof CascadeRule.Cancelling cancelling) {
            startCancelling(descendantId, descendant, cancelling.cancelling(), now);
            save(descendantId, descendant, now);
        } else if (result instanceof CascadeRule.Cancel cancel) {
            RunStateChange change = cancel.cancel().change();
            cancelled(descendant, change);
            save(descendantId, descendant, now);
            log.debug(
                    "Cancelled execution {} because {} was cancelled (command {}, traceId {})",
                    descendantId,
                    change.getCascadedFrom(),
                    change.getCommandId(),
                    change.getTraceId());
            pending.add(new Record<>(descendantId, new ExecutionOutput.Outcome(cancel.cancel()), now));
            cascadeToChildren(descendant, change, Duration.ZERO, now);
        } else if (result instanceof CascadeRule.PassThrough pass) {
            descendant.addPass(cause);
            save(descendantId, descendant, now);
            if (pass.reason() == CascadeRule.Reason.OTHER_TENANT) {
                log.info(
                        "Left execution {} alone: {} was cancelled in tenant {}, and {} is not in that tenant;"
                                + " a cascade never cancels across tenants",
                        Ids.quote(descendantId),
                        Ids.quote(cause.getExecutionId()),
                        Ids.quote(cause.getTenantId()),
                        Ids.quote(descendantId));
            }
            cascadeToChildren(descendant, cause, grace, now);
        }
        flush();
    }

    /**
     * A bulk looks at one run: if it is to be cancelled (and this is no dry run), it is, as a single
     * cancel would be: its own cancellation kept for good, the CANCELLED record, the cascade.
     */
    private BulkFilter.Verdict visitForBulk(
            String executionId, byte[] stored, BulkCancelCommand bulk, boolean listed, long now) {
        if (stored == null) {
            return BulkFilter.Verdict.NOT_MATCHED;
        }
        RunRecord run;
        try {
            run = RunRecord.loaded(format.decode(stored));
        } catch (UndecodableRecordException e) {
            log.warn(
                    "Bulk cancel {} left execution {} alone: its record cannot be read ({})",
                    Ids.quote(bulk.getBulkId()),
                    Ids.quote(executionId),
                    e.getMessage());
            return BulkFilter.Verdict.NOT_MATCHED;
        }
        BulkFilter.Verdict verdict = BulkFilter.judge(bulk, run.upstream(), run.cancellation(), listed);
        if (verdict == BulkFilter.Verdict.CANCEL && !bulk.getDryRun()) {
            RunState visible = run.cancelling() == null
                    ? run.upstream()
                    : GracefulRule.stopping(run.cancellingChange(), run.upstream());
            RunStateChange change =
                    BulkFilter.cancellation(bulk, visible, run.cancelling() != null, Instant.ofEpochMilli(now));
            cancelled(run, change);
            save(executionId, run, now);
            pending.add(new Record<>(executionId, new ExecutionOutput.Outcome(new Decision.Cancel(change)), now));
            cascadeToChildren(run, change, Duration.ZERO, now);
            flush();
            bulkMetrics.cancelled();
        }
        return verdict;
    }

    private void forwardBulkProgress(long now) {
        for (BulkCancelProgress progress : bulks.takeProgress()) {
            context.forward(new Record<>(progress.getBulkId(), new ExecutionOutput.BulkProgress(progress), now));
        }
    }

    /** What is due: commands whose grace ran out are judged a last time; old decisions are forgotten. */
    private void takeDue(long now) {
        for (DueIndex.Due next : due.takeDue(now)) {
            String executionId = next.executionId();
            if (UnroutedDecisions.isOurs(executionId)) {
                unrouted.due(executionId, now);
                continue;
            }
            byte[] stored = executions.get(executionId);
            if (stored == null) {
                continue;
            }
            RunRecord run = RunRecord.loaded(format.decode(stored));
            boolean changed = run.hasWaiting() && judgeWaiting(executionId, run, Moment.GRACE_EXPIRED, now);
            changed |= fireHeld(executionId, run, now);
            changed |= escalateIfDue(executionId, run, now);
            changed |= fireDeadline(executionId, run, now);
            changed |= run.trimDecided(now, retentionMs);
            if (changed) {
                save(executionId, run, now);
            } else if (run.keptOnlyForDedup() && !run.isEmpty()) {
                due.add(run.decisionsForgottenAtMs(retentionMs), executionId);
            }
            flush();
        }
    }

    /** Rule 3: the held commands whose notBefore came are judged as if they arrived now. Whether any were. */
    private boolean fireHeld(String executionId, RunRecord run, long now) {
        List<HeldCommand> fired = run.takeHeldDue(now);
        for (HeldCommand held : fired) {
            CancelCommand command = held.getCommand();
            overTime.fired();
            Decision decision =
                    decide(executionId, command, run, Moment.SCHEDULED_TIME, ActorProof.CHECKED_ON_ARRIVAL, now);
            apply(executionId, run, command, decision, now);
        }
        return !fired.isEmpty();
    }

    /** Rule 2: a graceful cancel whose grace ended with the run not terminal is forced. Whether it was. */
    private boolean escalateIfDue(String executionId, RunRecord run, long now) {
        GracefulCancel cancelling = run.cancelling();
        if (cancelling == null || cancelling.getEscalateAtMs() > now) {
            return false;
        }
        RunStateChange change =
                GracefulRule.escalated(cancelling.getChange(), run.upstream(), Instant.ofEpochMilli(now));
        cancelled(run, change);
        log.debug("Forced execution {}: its grace ended (command {})", executionId, change.getCommandId());
        pending.add(new Record<>(executionId, new ExecutionOutput.Outcome(new Decision.Cancel(change)), now));
        cascadeToChildren(run, change, Duration.ZERO, now);
        return true;
    }

    /** Rule 4: a run whose deadline passed is cancelled in the processor's name. Whether it was. */
    private boolean fireDeadline(String executionId, RunRecord run, long now) {
        Optional<DeadlineRule.Fire> fire = DeadlineRule.decide(
                executionId,
                run.upstream(),
                run.cancellation(),
                run.cancellingChange(),
                settings.deadlines(),
                settings.timing(),
                Instant.ofEpochMilli(now));
        if (fire.isEmpty()) {
            return false;
        }
        overTime.deadline();
        apply(executionId, run, fire.get().command(), fire.get().decision(), now);
        return true;
    }

    /**
     * Judges the run's waiting commands again (at GRACE_EXPIRED, only those whose grace has ended);
     * those decided leave the record. Whether any did.
     */
    private boolean judgeWaiting(String executionId, RunRecord run, Moment moment, long now) {
        // The time index keeps the decided ones' expiries: an entry is one (time, run) for any of the
        // run's timers, so removing it could drop another's due at the same millisecond (a graceful
        // cancel begun now with a grace equal to the wait, say), and a stale one costs one read.
        boolean changed = false;
        for (WaitingCommand next : run.waitingCommands()) {
            if (moment == Moment.GRACE_EXPIRED && next.getDeadlineMs() > now) {
                continue;
            }
            Decision decision = decide(executionId, next.getCommand(), run, moment, ActorProof.CHECKED_ON_ARRIVAL, now);
            if (!(decision instanceof Decision.Wait)) {
                run.removeWaiting(next);
                apply(executionId, run, next.getCommand(), decision, now);
                changed = true;
            }
        }
        return changed;
    }

    private Decision decide(
            String executionId, CancelCommand command, RunRecord run, Moment moment, ActorProof proof, long now) {
        String actorId = command.getCancelledBy();
        return settings.decider()
                .decide(new DecisionInput(
                        executionId,
                        command,
                        run.upstream(),
                        run.cancellation(),
                        run.cancellingChange(),
                        grant(actorId),
                        new SeenCommands() {
                            @Override
                            public boolean decided(String commandId) {
                                return run.decided(actorId, commandId, now, retentionMs)
                                        || (previous != null && previous.decided(actorId, commandId, now));
                            }

                            @Override
                            public boolean waiting(String ignored, String commandId) {
                                return run.waiting(actorId, commandId);
                            }
                        },
                        moment,
                        Instant.ofEpochMilli(now),
                        proof));
    }

    /**
     * Applies a decision to the run's record (in memory) and queues its outcome. Whether the record changed.
     */
    private boolean apply(String executionId, RunRecord run, CancelCommand command, Decision decision, long now) {
        DecisionLogContext.enter(command);
        try {
            metrics.record(command, decision, now);
            if (decision instanceof Decision.Cancel cancel) {
                RunStateChange change = cancel.change();
                cancelled(run, change);
                run.addDecided(command.getCancelledBy(), command.getCommandId(), now, retentionMs);
                log.debug(
                        "Cancelled execution {} (command {}, traceId {})",
                        change.getExecutionId(),
                        change.getCommandId(),
                        change.getTraceId());
                pending.add(new Record<>(executionId, new ExecutionOutput.Outcome(cancel), now));
                cascadeToChildren(run, change, Duration.ZERO, now);
                return true;
            }
            if (decision instanceof Decision.Cancelling cancelling) {
                startCancelling(executionId, run, cancelling, now);
                run.addDecided(command.getCancelledBy(), command.getCommandId(), now, retentionMs);
                return true;
            }
            if (decision instanceof Decision.AlreadyCancelling) {
                run.addDecided(command.getCancelledBy(), command.getCommandId(), now, retentionMs);
                return true;
            }
            if (decision instanceof Decision.Wait) {
                run.addWaiting(command, now + graceMs);
                due.add(now + graceMs, executionId);
                return true;
            }
            if (decision instanceof Decision.Hold hold) {
                long fireAt = hold.notBefore().toEpochMilli();
                run.hold(command, fireAt);
                due.add(fireAt, executionId);
                return true;
            }
            if (decision instanceof Decision.Reject reject) {
                logRejection(command, reject);
                pending.add(
                        new Record<>(reject.rejection().getExecutionId(), new ExecutionOutput.Outcome(reject), now));
                // An unproven actor's refusal is not that actor's decision: it must not pre-empt
                // the actor's own command with the same id.
                if (CommandValidation.isRecognisable(command) && !reject.actorUnproven()) {
                    run.addDecided(command.getCancelledBy(), command.getCommandId(), now, retentionMs);
                    return true;
                }
            }
            return false;
        } finally {
            DecisionLogContext.leave();
        }
    }

    /**
     * The run's one CANCELLED, kept for good; a graceful cancel going on ends with it (counted as
     * escalated when it forces one).
     */
    private void cancelled(RunRecord run, RunStateChange change) {
        run.cancellation(change);
        if (run.cancelling() != null) {
            run.stopCancelling();
        }
        if (change.getEscalated()) {
            overTime.escalated();
        }
    }

    /** Rule 2: writes CANCELLING and sets the run's grace going (on the task's time index); cascades gracefully. */
    private void startCancelling(String executionId, RunRecord run, Decision.Cancelling cancelling, long now) {
        long escalateAt = now + cancelling.grace().toMillis();
        run.cancelling(cancelling.change(), escalateAt);
        due.add(escalateAt, executionId);
        log.debug(
                "Asked execution {} to stop by {} (command {})",
                executionId,
                Instant.ofEpochMilli(escalateAt),
                cancelling.change().getCommandId());
        pending.add(new Record<>(executionId, new ExecutionOutput.Outcome(cancelling), now));
        cascadeToChildren(run, cancelling.change(), cancelling.grace(), now);
    }

    /** @param grace a graceful cascade's grace (CANCELLING cause); ignored for a forced one */
    private void cascadeToChildren(RunRecord run, RunStateChange cause, Duration grace, long now) {
        if (!settings.cascade()) {
            return;
        }
        for (String childId : run.children()) {
            pending.add(new Record<>(childId, new CascadeMessage.Cascade(cause, grace), now));
        }
    }

    private static void logRejection(CancelCommand command, Decision.Reject reject) {
        log.debug(
                "Rejected command {} for execution {}: {} (traceId {})",
                command.getCommandId(),
                command.getExecutionId(),
                reject.rejection().getCode(),
                command.getTraceId());
    }

    private io.controlplane.cancel.avro.OperatorGrant grant(String actorId) {
        return actorId == null ? null : settings.grants().usable(actorId, grantStore);
    }

    private RunRecord load(String executionId) {
        byte[] stored = executions.get(executionId);
        return stored == null ? RunRecord.empty() : RunRecord.loaded(format.decode(stored));
    }

    /** Writes the record back (or deletes it when nothing is left to keep). */
    private void save(String executionId, RunRecord run, long now) {
        if (run.isEmpty()) {
            if (run.wasStored()) {
                executions.delete(executionId);
            }
            return;
        }
        if (run.keptOnlyForDedup()) {
            due.add(run.decisionsForgottenAtMs(retentionMs), executionId);
        }
        executions.put(executionId, format.encode(run.value()));
    }

    private void flush() {
        for (Record<String, ExecutionOutput> output : pending) {
            context.forward(output);
        }
        pending.clear();
    }

    /**
     * Whether the command is keyed by the executionId it names, a valid one: only then is it
     * decided on that run. (A valid command always is: an unkeyed one was re-keyed by it.)
     */
    private static boolean namesItsRun(String key, CancelCommand command) {
        return key != null && key.equals(command.getExecutionId()) && Ids.problem("executionId", key) == null;
    }
}
