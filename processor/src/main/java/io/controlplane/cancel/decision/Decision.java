package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;

/**
 * Everything a cancel command can come to: nothing else may happen to it.
 */
public sealed interface Decision {

    /** The run is cancelled: emit exactly this terminal record. */
    record Cancel(RunStateChange change) implements Decision {
    }

    /** The command is refused, for the reason the rejection states. */
    record Reject(CancelRejection rejection) implements Decision {
    }

    /** No visible run state yet: keep the command until one arrives or its grace runs out. */
    record Wait() implements Decision {
    }

    /** The command id was decided (or is waiting) already: produce nothing more. */
    record Duplicate() implements Decision {
    }
}
