package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import java.util.Optional;

/** Rule 1: what makes a cancel command well-formed, and which commands are re-keyed. */
public final class CommandValidation {

    private CommandValidation() {}

    /**
     * Why a command is invalid.
     *
     * @param sentence   the problem, as the end of a sentence
     * @param textsCut   whether the rejection's copy of the command has its texts cut to their bounds
     */
    public record Problem(String sentence, boolean textsCut) {}

    /** The first problem with the command, or empty if it is valid. */
    public static Optional<Problem> problem(String recordKey, CancelCommand command) {
        String problem = missing(command);
        if (problem != null) {
            return Optional.of(new Problem(problem, BoundedText.firstOverlong(command) != null));
        }
        problem = BoundedText.firstOverlong(command);
        if (problem != null) {
            return Optional.of(new Problem(problem, true));
        }
        if (BoundedText.isOverlong(recordKey, CancelPolicy.MAX_ID_LENGTH)) {
            // said as for any over-long text, though the rejection does not repeat the key
            return Optional.of(
                    new Problem(BoundedText.overlong("record key", recordKey, CancelPolicy.MAX_ID_LENGTH), true));
        }
        problem = controlCharacter(command);
        if (problem == null && recordKey != null && !recordKey.equals(command.getExecutionId())) {
            problem = "its record key " + Ids.quote(recordKey) + " is not its executionId "
                    + Ids.quote(command.getExecutionId());
        }
        return Optional.ofNullable(problem).map(sentence -> new Problem(sentence, false));
    }

    /**
     * A valid command without a key must be re-keyed by its executionId so that it meets its run's
     * state; one already keyed that way must not pay for that repartition. An invalid one is
     * rejected on the partition it arrived on: re-keying it would write whatever it carries (a
     * 600 KB executionId, say) to the repartition topic, which may refuse it.
     */
    public static boolean needsRekey(String recordKey, CancelCommand command) {
        return recordKey == null && command != null && problem(null, command).isEmpty();
    }

    /**
     * Without an id, a command cannot be recognised again: each one is judged (and rejected) anew. Nor
     * can one whose id or actor is over-long: remembering it would put a key as large as the record
     * (megabytes, when it came compressed) into a changelog that refuses it.
     */
    public static boolean isRecognisable(CancelCommand command) {
        return !isBlank(command.getCommandId())
                && !BoundedText.isOverlong(command.getCommandId(), CancelPolicy.MAX_ID_LENGTH)
                && !BoundedText.isOverlong(command.getCancelledBy(), CancelPolicy.MAX_ID_LENGTH);
    }

    private static String missing(CancelCommand command) {
        if (isBlank(command.getCommandId())) {
            return "its commandId is missing or blank";
        }
        if (isBlank(command.getExecutionId())) {
            return "its executionId is missing or blank";
        }
        if (isBlank(command.getCancelledBy())) {
            return "its cancelledBy is missing or blank";
        }
        return null;
    }

    private static String controlCharacter(CancelCommand command) {
        String problem = Ids.controlCharacterProblem("commandId", command.getCommandId());
        if (problem == null) {
            problem = Ids.controlCharacterProblem("executionId", command.getExecutionId());
        }
        if (problem == null) {
            problem = Ids.controlCharacterProblem("cancelledBy", command.getCancelledBy());
        }
        return problem;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
