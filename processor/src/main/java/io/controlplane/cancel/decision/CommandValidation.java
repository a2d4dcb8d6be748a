package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import java.util.Optional;

/** Rule 1: what makes a cancel command well-formed. */
public final class CommandValidation {

    private CommandValidation() {
    }

    /** The first problem with the command, as the end of a sentence, or empty if it is valid. */
    public static Optional<String> problem(String recordKey, CancelCommand command) {
        if (isBlank(command.getCommandId())) {
            return Optional.of("its commandId is missing or blank");
        }
        if (isBlank(command.getExecutionId())) {
            return Optional.of("its executionId is missing or blank");
        }
        if (isBlank(command.getCancelledBy())) {
            return Optional.of("its cancelledBy is missing or blank");
        }
        Optional<String> overlong = overlongText(recordKey, command);
        if (overlong.isPresent()) {
            return overlong;
        }
        String controlled = Ids.controlCharacterProblem("commandId", command.getCommandId());
        if (controlled == null) {
            controlled = Ids.controlCharacterProblem("executionId", command.getExecutionId());
        }
        if (controlled == null) {
            controlled = Ids.controlCharacterProblem("cancelledBy", command.getCancelledBy());
        }
        if (controlled != null) {
            return Optional.of(controlled);
        }
        if (recordKey != null && !recordKey.equals(command.getExecutionId())) {
            return Optional.of("its record key '" + recordKey + "' is not its executionId '"
                    + command.getExecutionId() + "'");
        }
        return Optional.empty();
    }

    /** Whether any text of the command (or its key) is longer than a rejection copies. */
    public static boolean hasOverlongText(String recordKey, CancelCommand command) {
        return overlongText(recordKey, command).isPresent();
    }

    /** The one list of bounded texts, so that what is refused and what a rejection cuts cannot drift apart. */
    private static Optional<String> overlongText(String recordKey, CancelCommand command) {
        String problem = overlong("commandId", command.getCommandId(), CancelPolicy.MAX_ID_LENGTH);
        if (problem == null) {
            problem = overlong("executionId", command.getExecutionId(), CancelPolicy.MAX_ID_LENGTH);
        }
        if (problem == null) {
            problem = overlong("cancelledBy", command.getCancelledBy(), CancelPolicy.MAX_ID_LENGTH);
        }
        if (problem == null) {
            problem = overlong("traceId", command.getTraceId(), CancelPolicy.MAX_ID_LENGTH);
        }
        if (problem == null) {
            problem = overlong("record key", recordKey, CancelPolicy.MAX_ID_LENGTH);
        }
        if (problem == null) {
            problem = overlong("reason", command.getReason(), CancelPolicy.MAX_REASON_LENGTH);
        }
        return Optional.ofNullable(problem);
    }

    /** The problem as the end of a sentence, or null if {@code value} is within {@code max}. */
    private static String overlong(String field, String value, int max) {
        if (!RejectionCopy.isOverlong(value, max)) {
            return null;
        }
        return "its " + field + " has " + value.length() + " characters, more than the " + max + " allowed";
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

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
