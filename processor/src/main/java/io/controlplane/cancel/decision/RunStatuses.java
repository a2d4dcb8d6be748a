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
            RunStatus.PAUSED);

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
