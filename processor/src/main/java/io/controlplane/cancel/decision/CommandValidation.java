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
        if (hasOverlongReason(command)) {
            return Optional.of("its reason has " + command.getReason().length() + " characters, more than the "
                    + CancelPolicy.MAX_REASON_LENGTH + " allowed");
        }
        if (recordKey != null && !recordKey.equals(command.getExecutionId())) {
            return Optional.of("its record key '" + recordKey + "' is not its executionId '"
                    + command.getExecutionId() + "'");
        }
        return Optional.empty();
    }

    public static boolean hasOverlongReason(CancelCommand command) {
        return command.getReason() != null && command.getReason().length() > CancelPolicy.MAX_REASON_LENGTH;
    }

    /**
     * A valid command without a key must be re-keyed by its executionId so that it meets its run's
     * state; one already keyed that way must not pay for that repartition.
     */
    public static boolean needsRekey(String recordKey, CancelCommand command) {
        return recordKey == null && !isBlank(command.getExecutionId());
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
