package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.RunStatus;

/**
 * Every rejection's sentence, each built in one place on one pattern ("Expected ..., but ..."), so
 * that tests outside the decider refer to these rather than to copies of the text.
 */
public final class RejectionMessages {

    static final String TEXTS_CUT = " (this rejection keeps only the first " + CancelPolicy.MAX_ID_LENGTH
            + " characters of an id and " + CancelPolicy.MAX_REASON_LENGTH + " of the reason)";

    private static final String INVALID =
            "Expected a cancel command with a commandId, an executionId and a " + "cancelledBy, but ";

    private RejectionMessages() {}

    public static String invalid(CommandValidation.Problem problem) {
        return INVALID + problem.sentence() + (problem.textsCut() ? TEXTS_CUT : "") + ".";
    }

    /** A command well-formed but asking for a grace or a notBefore out of bounds. */
    public static String invalidTiming(String sentence) {
        return "Expected a cancel command whose grace and notBefore are within this processor's bounds, but " + sentence
                + ".";
    }

    /**
     * Names the failed check, and neither the token (a credential) nor anything of the execution:
     * whether it exists is not an unproven caller's to learn.
     */
    public static String unproven(IdentityFailure failure) {
        return "Expected a command with a valid signed identity of its cancelledBy, but " + failure.sentence() + ".";
    }

    /** Names the actor and the role, and nothing of the execution: whether it exists is not the caller's to learn. */
    public static String unauthorized(String actorId, String requiredRole) {
        return "Expected actor '" + actorId + "' to hold the '" + requiredRole + "' role to cancel executions, but it"
                + " does not.";
    }

    public static String notFound(String executionId) {
        return toCancel(executionId) + "no such execution exists.";
    }

    public static String alreadyTerminal(String executionId, RunStatus status) {
        return toCancel(executionId) + "it is already " + status + ".";
    }

    public static String unknownStatus(String executionId, RunStatus status) {
        return toCancel(executionId) + "its status is one this processor does not know (" + status
                + "), so it is not treated as cancellable.";
    }

    private static String toCancel(String executionId) {
        return "Expected to cancel execution '" + executionId + "', but ";
    }
}
