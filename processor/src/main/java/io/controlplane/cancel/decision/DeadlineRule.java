package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Rule 4, as a pure function: once the processor's clock passes a run's {@code deadlineAt} and the
 * run has not ended, the processor cancels it in its own name. No grant is consulted: a deadline is
 * part of the run state, and whoever may write run states decides what runs exist and in which
 * state, so a deadline gives them no power they do not have. It fires once: its cancellation (or
 * its graceful cancel) leaves nothing for it to do again.
 */
public final class DeadlineRule {

    /** A deadline's commandId is this and the executionId. */
    public static final String COMMAND_ID_PREFIX = "deadline/";

    private DeadlineRule() {}

    /**
     * A deadline fires: the command it stands for (what its outcome names as actor, reason and
     * commandId) and what that command comes to.
     */
    public record Fire(CancelCommand command, Decision decision) {}

    /**
     * What the run's deadline does now: a cancellation (FORCE, or escalating the run's graceful
     * cancel), the start of a graceful cancel, or nothing (no deadline, not yet, the run ended or
     * was cancelled, or is stopping gracefully and the deadline would only ask it to again).
     *
     * @param upstream        the run state as upstream last reported it, or null
     * @param ownCancellation this processor's cancellation of the run, or null
     * @param ownCancelling   the CANCELLING record of its graceful cancel going on, or null
     */
    public static Optional<Fire> decide(
            String executionId,
            RunState upstream,
            RunStateChange ownCancellation,
            RunStateChange ownCancelling,
            DeadlinePolicy deadlines,
            CancelPolicy.Timing timing,
            Instant now) {
        if (upstream == null || ownCancellation != null || !isPassed(upstream.getDeadlineAt(), now)) {
            return Optional.empty();
        }
        RunState run = ownCancelling == null ? upstream : GracefulRule.stopping(ownCancelling, upstream);
        RunStatus status = run.getStatus();
        if (!RunStatuses.isCancellable(status)) {
            return Optional.empty();
        }
        CancelCommand command = command(executionId, upstream.getDeadlineAt(), deadlines, now);
        Decision decision = GracefulRule.stop(run, ownCancelling != null, command, timing.gracefulTimeout(), now);
        return decision instanceof Decision.AlreadyCancelling
                ? Optional.empty()
                : Optional.of(new Fire(command, decision));
    }

    /** Whether a deadline is set and the clock has passed it. */
    public static boolean isPassed(Instant deadlineAt, Instant now) {
        return deadlineAt != null && !deadlineAt.isAfter(now);
    }

    private static CancelCommand command(
            String executionId, Instant deadlineAt, DeadlinePolicy deadlines, Instant now) {
        return CancelCommand.newBuilder()
                .setCommandId(COMMAND_ID_PREFIX + executionId)
                .setExecutionId(executionId)
                .setCancelledBy(deadlines.actor())
                .setReason("deadline " + deadlineAt + " passed")
                .setRequestedAt(now)
                .setTraceId(null)
                .setMode(deadlines.mode())
                .setGraceMs(null)
                .setNotBefore(null)
                .build();
    }
}
