package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunStateChange;

/**
 * What the cascade (cancel.cascade=children) sends between the tasks of a parent and of its
 * children, through the processor's own internal topic {@code <application.id>-cancel-cascade}
 * (see {@link CascadeTopic}): written and read only by {@link ExecutionProcessor}, never by a
 * producer of commands, so a cascaded cancel cannot be forged.
 */
sealed interface CascadeMessage extends ExecutionInput, ExecutionOutput {

    /** To a parent's task: this child's run state names the parent. */
    record ChildLink(String childId) implements CascadeMessage {}

    /** To a descendant's task: the cancellation of its nearest cancelled ancestor (the cause). */
    record Cascade(RunStateChange cause) implements CascadeMessage {}
}
