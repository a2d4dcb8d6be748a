package io.controlplane.cancel.topology;

import io.controlplane.cancel.decision.Decision;

/** What {@link ExecutionProcessor} writes: outcomes for subscribers, and cascade messages for itself. */
sealed interface ExecutionOutput permits ExecutionOutput.Outcome, CascadeMessage {

    /** A decision's record, for the outcome topics (OutcomeSink). */
    record Outcome(Decision.Outcome outcome) implements ExecutionOutput {}
}
