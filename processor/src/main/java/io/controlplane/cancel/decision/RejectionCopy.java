package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;

/**
 * What a rejection repeats of its command, cut to the lengths a valid command may have: a command
 * as large as its topic allows must still get a rejection small enough to be written, or under
 * exactly_once_v2 the refused write would stop its partition for good.
 */
final class RejectionCopy {

    private RejectionCopy() {
    }

    static boolean isOverlong(String text, int max) {
        return text != null && text.length() > max;
    }

    static String id(String id) {
        return cut(id, CancelPolicy.MAX_ID_LENGTH);
    }

    static CancelCommand of(CancelCommand command) {
        if (!CommandValidation.hasOverlongText(null, command)) {
            return command;
        }
        return CancelCommand.newBuilder(command)
                .setCommandId(id(command.getCommandId()))
                .setExecutionId(id(command.getExecutionId()))
                .setCancelledBy(id(command.getCancelledBy()))
                .setTraceId(id(command.getTraceId()))
                .setReason(cut(command.getReason(), CancelPolicy.MAX_REASON_LENGTH))
                .build();
    }

    private static String cut(String text, int max) {
        if (!isOverlong(text, max)) {
            return text;
        }
        int end = max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // not half a character
        }
        return text.substring(0, end);
    }
}
