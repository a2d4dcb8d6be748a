package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.RunState;

/** Which upstream run-state updates the processor takes. */
public final class RunStateRules {

    private RunStateRules() {}

    /**
     * An update replaces the held state only if it is newer (versions are monotonic per run, so an
     * older or repeated one is a replay or reordering) and the held state is not terminal: a run
     * that has ended is never reopened.
     */
    public static boolean replaces(RunState held, RunState update) {
        return held == null || (update.getVersion() > held.getVersion() && !RunStatuses.isTerminal(held.getStatus()));
    }
}
