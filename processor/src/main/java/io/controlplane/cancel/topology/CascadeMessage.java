package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunStateChange;
import java.time.Duration;

/**
 * What the cascade (cancel.cascade=children) sends between the tasks of a parent and of its
 * children, through the processor's own internal topic {@code <application.id>-cancel-cascade}
 * (see {@link CascadeTopic}): written and read only by {@link ExecutionProcessor}, never by a
 * producer of commands, so a cascaded cancel cannot be forged.
 */
sealed interface CascadeMessage extends ExecutionInput, ExecutionOutput {

    /** To a parent's task: this child's run state names the parent. */
    record ChildLink(String childId) implements CascadeMessage {}

    /**
     * To a descendant's task: the cancellation of its nearest cancelled ancestor (the cause), or the
     * CANCELLING record of its graceful cancel, with the grace each descendant gets.
     */
    record Cascade(RunStateChange cause, Duration grace) implements CascadeMessage {}

    /** A forced cascade: its cause is a cancellation, and there is no grace. */
    static Cascade forced(RunStateChange cause) {
        return new Cascade(cause, Duration.ZERO);
    }
}
