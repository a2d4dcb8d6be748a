package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;

/**
 * Everything that reaches {@link ExecutionProcessor}, keyed by the executionId it is about: the one
 * processor sees every kind through this type, and a new kind fails to compile until it handles it.
 */
sealed interface ExecutionInput
        permits ExecutionInput.Command, ExecutionInput.RunStateUpdate, ExecutionInput.BulkTask, CascadeMessage {

    /** A cancel command, keyed by its executionId (or by whatever key its producer gave it). */
    record Command(CancelCommand command) implements ExecutionInput {}

    /** Upstream's run state; null when upstream deleted the run (a tombstone). */
    record RunStateUpdate(RunState state) implements ExecutionInput {}

    /** An accepted bulk cancel (or its pause, resume, abort), keyed by bulkId, sent to every task (BulkTopic). */
    record BulkTask(BulkCancelCommand command) implements ExecutionInput {}
}
