package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import java.time.Instant;

/**
 * What the decision is made from.
 *
 * @param recordKey        the command record's key (may be null)
 * @param command          the command as decoded
 * @param upstreamRun      the run's state as upstream last reported it, or null
 * @param ownCancellation  this processor's own cancellation of the run, or null
 * @param ownCancelling    the CANCELLING record of this processor's graceful cancel of the run still
 *                         going on, or null
 * @param grant            the acting actor's grant, or null if it has none
 * @param seen             what the processor remembers of earlier commands
 * @param moment           when the command is judged
 * @param now              the processor's clock at decision time
 * @param proof            what the command's signed identity proved of its actor
 */
public record DecisionInput(
        String recordKey,
        CancelCommand command,
        RunState upstreamRun,
        RunStateChange ownCancellation,
        RunStateChange ownCancelling,
        OperatorGrant grant,
        SeenCommands seen,
        Moment moment,
        Instant now,
        ActorProof proof) {

    /** A command whose actor need not be proven: the commands topic's ACLs are the trust boundary. */
    public DecisionInput(
            String recordKey,
            CancelCommand command,
            RunState upstreamRun,
            RunStateChange ownCancellation,
            OperatorGrant grant,
            SeenCommands seen,
            Moment moment,
            Instant now) {
        this(recordKey, command, upstreamRun, ownCancellation, null, grant, seen, moment, now, ActorProof.NOT_REQUIRED);
    }
}
