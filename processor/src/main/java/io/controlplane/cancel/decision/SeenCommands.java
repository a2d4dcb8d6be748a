package io.controlplane.cancel.decision;

/**
 * What the processor remembers of the acting actor's earlier commands, asked only when a rule needs
 * it. Dedup is per actor: a command is identified by (cancelledBy, commandId), so that nobody can
 * pre-empt another actor's command by reusing its id. The Kafka side answers from its stores; the
 * rule of what makes a command a repeat stays here.
 */
public interface SeenCommands {

    /** Whether a command of this actor with this id was decided within the dedup retention. */
    boolean decided(String commandId);

    /** Whether a command of this actor with this id is waiting for this execution's run state. */
    boolean waiting(String executionId, String commandId);
}
