package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.RunStatus;
import java.util.EnumSet;
import java.util.Set;

/** Which run statuses may still be cancelled, and which are final. */
public final class RunStatuses {

    private static final Set<RunStatus> CANCELLABLE = EnumSet.of(
            RunStatus.PENDING,
            RunStatus.QUEUED,
            RunStatus.RUNNING,
            RunStatus.WAITING,
            RunStatus.AWAITING_APPROVAL,
            RunStatus.PAUSED,
            // stopping, at someone's request (this processor's own graceful cancel is kept apart):
            // not ended, so it can be cancelled, and forcing it is what ends it
            RunStatus.CANCELLING);

    private static final Set<RunStatus> TERMINAL =
            EnumSet.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.ABORTED);

    private RunStatuses() {}

    public static boolean isCancellable(RunStatus status) {
        return CANCELLABLE.contains(status);
    }

    public static boolean isTerminal(RunStatus status) {
        return TERMINAL.contains(status);
    }
}
