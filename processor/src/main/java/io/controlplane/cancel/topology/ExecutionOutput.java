package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.decision.Decision;

/** What {@link ExecutionProcessor} writes: outcomes for subscribers, and cascade messages for itself. */
sealed interface ExecutionOutput permits ExecutionOutput.Outcome, ExecutionOutput.BulkProgress, CascadeMessage {

    /** A decision's record, for the outcome topics (OutcomeSink). */
    record Outcome(Decision.Outcome outcome) implements ExecutionOutput {}

    /** How far a bulk cancel has come on this task, for the bulk-progress topic. */
    record BulkProgress(BulkCancelProgress progress) implements ExecutionOutput {}
}
