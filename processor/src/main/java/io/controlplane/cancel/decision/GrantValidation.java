package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.OperatorGrant;
import java.util.Optional;

/**
 * What makes a grant record one the processor may act on. A grant is what lets an actor cancel, so
 * whatever fails here grants nothing: the actor named by the record's key is treated as revoked.
 */
public final class GrantValidation {

    private GrantValidation() {}

    /** The problem with the grant as the end of a sentence, or empty if it may be used. */
    public static Optional<String> problem(String recordKey, OperatorGrant grant) {
        String actorId = grant.getActorId();
        if (actorId == null || actorId.isBlank()) {
            return Optional.of("its actorId is missing or blank");
        }
        if (actorId.length() > CancelPolicy.MAX_ID_LENGTH) {
            return Optional.of("its actorId has " + actorId.length() + " characters, more than the "
                    + CancelPolicy.MAX_ID_LENGTH + " allowed");
        }
        String controlled = Ids.controlCharacterProblem("actorId", actorId);
        if (controlled != null) {
            return Optional.of(controlled);
        }
        if (!actorId.equals(recordKey)) {
            return Optional.of("it is keyed " + Ids.quote(recordKey) + " but grants actor " + Ids.quote(actorId));
        }
        return Optional.empty();
    }
}
