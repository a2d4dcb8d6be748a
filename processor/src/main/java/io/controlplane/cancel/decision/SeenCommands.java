package io.controlplane.cancel.decision;

/**
 * What the processor remembers of earlier commands, asked only when a rule needs it. The Kafka side
 * answers from its stores; the rule of what makes a command a repeat stays here.
 */
public interface SeenCommands {

    /** Whether a command with this id was decided within the dedup retention. */
    boolean decided(String commandId);

    /** Whether a command with this id is waiting for this execution's run state. */
    boolean waiting(String executionId, String commandId);
}
