package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Rule 2, as pure functions: how a run is stopped by mode, and how a graceful cancel ends. A
 * graceful cancel writes CANCELLING (version = the run's + 1) and then ends in exactly one way:
 * upstream confirms CANCELLED (the processor writes the run's one CANCELLED, not escalated);
 * upstream reports another terminal status (nothing more is written); the grace ends, or a FORCE
 * command comes (CANCELLED, escalated). While it goes on the run is CANCELLING for this processor,
 * whatever non-terminal status upstream reports.
 */
public final class GracefulRule {

    /** What an upstream run state means for a graceful cancel going on. */
    public enum Upstream {
        /** Upstream reports the run CANCELLED: the executor stopped it as asked. */
        CONFIRMED,
        /** Upstream reports the run ended another way (it completed, failed, was aborted) first. */
        ENDED_OTHERWISE,
        /** Not terminal: the run is still stopping. */
        STOPPING
    }

    private GracefulRule() {}

    public static Upstream onUpstream(RunState update) {
        if (update.getStatus() == RunStatus.CANCELLED) {
            return Upstream.CONFIRMED;
        }
        return RunStatuses.isTerminal(update.getStatus()) ? Upstream.ENDED_OTHERWISE : Upstream.STOPPING;
    }

    /**
     * The run as this processor sees it while its graceful cancel goes on: CANCELLING, in the
     * cancel's tenant, at the newer of upstream's version and the CANCELLING record's.
     */
    public static RunState stopping(RunStateChange cancelling, RunState upstream) {
        return new RunState(
                cancelling.getExecutionId(),
                cancelling.getTenantId(),
                RunStatus.CANCELLING,
                newestVersion(cancelling, upstream),
                cancelling.getCancelledAt(),
                null,
                upstream == null ? null : upstream.getDeadlineAt());
    }

    /**
     * How a command stops a run it may stop: FORCE cancels it at once (escalated if this processor's
     * graceful cancel of it goes on), GRACEFUL begins a graceful cancel, and a GRACEFUL command for a
     * run this processor is stopping gracefully already does nothing.
     *
     * @param run      the run as this processor sees it (cancellable)
     * @param stopping whether this processor's own graceful cancel of the run goes on
     * @param grace    the grace of a GRACEFUL command
     */
    static Decision stop(RunState run, boolean stopping, CancelCommand command, Duration grace, Instant now) {
        if (CommandTiming.modeOf(command) == CancelMode.GRACEFUL) {
            return stopping
                    ? new Decision.AlreadyCancelling()
                    : new Decision.Cancelling(change(run, command, RunStatus.CANCELLING, false, now), grace);
        }
        return new Decision.Cancel(change(run, command, RunStatus.CANCELLED, stopping, now));
    }

    /** Upstream confirmed: the run's one CANCELLED, on behalf of the graceful cancel's command. */
    public static RunStateChange confirmed(RunStateChange cancelling, RunState upstream, Instant now) {
        return ended(cancelling, upstream, false, now);
    }

    /** The grace ended with the run not terminal: the processor forces it. */
    public static RunStateChange escalated(RunStateChange cancelling, RunState upstream, Instant now) {
        return ended(cancelling, upstream, true, now);
    }

    /**
     * The graceful cancel's CANCELLED: its record, ended. Built field by field, not with Avro's
     * copying builder, whose deep copy of an enum needs Avro's class allow-list (see BoundedText).
     */
    private static RunStateChange ended(RunStateChange cancelling, RunState upstream, boolean escalated, Instant now) {
        return RunStateChange.newBuilder()
                .setExecutionId(cancelling.getExecutionId())
                .setTenantId(cancelling.getTenantId())
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.CANCELLING)
                .setCancelledAt(now)
                .setCancelledBy(cancelling.getCancelledBy())
                .setReason(cancelling.getReason())
                .setCommandId(cancelling.getCommandId())
                .setVersion(newestVersion(cancelling, upstream) + 1)
                .setTraceId(cancelling.getTraceId())
                .setCascadedFrom(cancelling.getCascadedFrom())
                .setBulkId(cancelling.getBulkId())
                .setEscalated(escalated)
                .build();
    }

    private static RunStateChange change(
            RunState run, CancelCommand command, RunStatus status, boolean escalated, Instant now) {
        return RunStateChange.newBuilder()
                .setExecutionId(run.getExecutionId())
                .setTenantId(run.getTenantId())
                .setStatus(status)
                .setPreviousStatus(run.getStatus())
                .setCancelledAt(now)
                .setCancelledBy(command.getCancelledBy())
                .setReason(command.getReason())
                .setCommandId(command.getCommandId())
                .setVersion(run.getVersion() + 1)
                .setTraceId(command.getTraceId())
                .setEscalated(escalated)
                .build();
    }

    static long newestVersion(RunStateChange cancelling, RunState upstream) {
        return upstream == null ? cancelling.getVersion() : Math.max(cancelling.getVersion(), upstream.getVersion());
    }
}
