package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;

/** Every sentence a REJECTED bulk's progress record carries, on RejectionMessages' pattern. */
public final class BulkMessages {

    private BulkMessages() {}

    public static String invalid(String problem) {
        return "Expected a bulk cancel command with a bulkId, a cancelledBy and (to start) a tenantId, but " + problem
                + ".";
    }

    public static String unproven(IdentityFailure failure) {
        // a bulk's token binds its jti to the bulkId, where a single cancel's binds it to the commandId
        String sentence = failure == IdentityFailure.TOKEN_ID_MISMATCH
                ? "its token's id (jti) is not its bulkId"
                : failure.sentence();
        return "Expected a bulk cancel command with a valid signed identity of its cancelledBy, but " + sentence + ".";
    }

    public static String unauthorized(String actorId, String requiredRole) {
        return "Expected actor " + Ids.quote(actorId) + " to hold the '" + requiredRole
                + "' role to cancel executions, but it does not.";
    }

    public static String tenantNotCovered(String actorId, String tenantId) {
        return "Expected actor " + Ids.quote(actorId) + " to hold a grant covering tenant " + Ids.quote(tenantId)
                + ", but it does not.";
    }

    /** Says nothing of whether a bulk of that id exists in a tenant the actor may not see. */
    public static String unknownBulk(BulkCancelCommand command) {
        return "Expected to " + command.getAction().name().toLowerCase() + " bulk " + Ids.quote(command.getBulkId())
                + ", but no such bulk was started.";
    }

    public static String aborted(String bulkId, BulkAction action) {
        return "Expected to " + action.name().toLowerCase() + " bulk " + Ids.quote(bulkId)
                + ", but it was aborted: an aborted bulk ends for good.";
    }
}
