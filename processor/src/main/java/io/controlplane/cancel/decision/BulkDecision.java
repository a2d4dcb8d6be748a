package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RejectionCode;

/** What {@link BulkDecider} makes of one bulk cancel command. */
public sealed interface BulkDecision {

    /** A new bulk: every task is to cancel the runs it holds that match. */
    record Start(BulkCancelCommand command) implements BulkDecision {}

    /** A known bulk is paused, resumed or aborted; {@code state} is where it stands after. */
    record Control(BulkCancelCommand command, BulkState state) implements BulkDecision {}

    /** A repeat of what was decided already (a START of a known bulk, a PAUSE of a paused one): nothing to do. */
    record Repeat() implements BulkDecision {}

    /** Refused: one progress record about the bulk as a whole says why, and nothing is cancelled. */
    record Reject(RejectionCode code, String message) implements BulkDecision {}
}
