package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The texts of a command that are bounded, each once: what validation refuses over its bound is
 * exactly what a rejection cuts to it, and the message names the same limit. A command as large as
 * its topic allows must still get a rejection small enough to be written, or under exactly_once_v2
 * the refused write would stop its partition for good.
 */
enum BoundedText {
    COMMAND_ID(
            "commandId", CancelCommand::getCommandId, CancelCommand.Builder::setCommandId, CancelPolicy.MAX_ID_LENGTH),
    EXECUTION_ID(
            "executionId",
            CancelCommand::getExecutionId,
            CancelCommand.Builder::setExecutionId,
            CancelPolicy.MAX_ID_LENGTH),
    CANCELLED_BY(
            "cancelledBy",
            CancelCommand::getCancelledBy,
            CancelCommand.Builder::setCancelledBy,
            CancelPolicy.MAX_ID_LENGTH),
    TRACE_ID("traceId", CancelCommand::getTraceId, CancelCommand.Builder::setTraceId, CancelPolicy.MAX_ID_LENGTH),
    REASON("reason", CancelCommand::getReason, CancelCommand.Builder::setReason, CancelPolicy.MAX_REASON_LENGTH);

    private final String field;
    private final Function<CancelCommand, String> getter;
    private final BiConsumer<CancelCommand.Builder, String> setter;
    private final int max;

    BoundedText(
            String field,
            Function<CancelCommand, String> getter,
            BiConsumer<CancelCommand.Builder, String> setter,
            int max) {
        this.field = field;
        this.getter = getter;
        this.setter = setter;
        this.max = max;
    }

    /** The first text of the command over its bound, as the end of a sentence, or null. */
    static String firstOverlong(CancelCommand command) {
        for (BoundedText text : values()) {
            String value = text.getter.apply(command);
            if (isOverlong(value, text.max)) {
                return overlong(text.field, value, text.max);
            }
        }
        return null;
    }

    /** The command with every text cut to its bound (the command itself if none is over). */
    static CancelCommand cut(CancelCommand command) {
        CancelCommand.Builder builder = null;
        for (BoundedText text : values()) {
            String value = text.getter.apply(command);
            if (isOverlong(value, text.max)) {
                builder = builder != null ? builder : copyOf(command);
                text.setter.accept(builder, cut(value, text.max));
            }
        }
        return builder == null ? command : builder.build();
    }

    /**
     * A builder holding the command's every field, set one by one: Avro's copying builder would
     * deep-copy the mode, and copying an enum looks its class up through Avro's class allow-list,
     * which only a serde sets up; the rules are pure and must not depend on that.
     */
    private static CancelCommand.Builder copyOf(CancelCommand command) {
        return CancelCommand.newBuilder()
                .setCommandId(command.getCommandId())
                .setExecutionId(command.getExecutionId())
                .setCancelledBy(command.getCancelledBy())
                .setReason(command.getReason())
                .setRequestedAt(command.getRequestedAt())
                .setTraceId(command.getTraceId())
                .setMode(command.getMode())
                .setGraceMs(command.getGraceMs())
                .setNotBefore(command.getNotBefore());
    }

    /** This text of the command, cut to its bound. */
    String cutOf(CancelCommand command) {
        return cut(getter.apply(command), max);
    }

    static String overlong(String field, String value, int max) {
        return "its " + field + " has " + value.length() + " characters, more than the " + max + " allowed";
    }

    static boolean isOverlong(String text, int max) {
        return text != null && text.length() > max;
    }

    static String cut(String text, int max) {
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
