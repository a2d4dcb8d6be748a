package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import java.time.Instant;

/**
 * What the decision is made from.
 *
 * @param recordKey      the command record's key (may be null)
 * @param command        the command as decoded
 * @param run            the run's current state as this processor sees it (its own cancellation included), or null
 * @param grant          the acting actor's grant, or null if it has none
 * @param alreadyDecided whether the command id was already decided or is already waiting
 * @param mayWait        whether a command that sees no run may still wait for one
 * @param now            the processor's clock at decision time
 */
public record DecisionInput(
        String recordKey,
        CancelCommand command,
        RunState run,
        OperatorGrant grant,
        boolean alreadyDecided,
        boolean mayWait,
        Instant now) {
}
