package io.controlplane.cancel.cli;

import io.controlplane.cancel.decision.HostileText;
import java.time.Duration;

/**
 * Text from Kafka records, servers and exceptions as the operator commands print it: on one line
 * (control characters written as {@code \\uXXXX}, so that a hostile value can neither forge lines
 * nor move the cursor) and bounded in length.
 */
final class Text {

    static final int MAX_LENGTH = 300;

    private Text() {}

    /** {@code text} on one line, cut to {@value #MAX_LENGTH} characters. */
    static String clean(String text) {
        return clean(text, MAX_LENGTH);
    }

    static String clean(String text, int max) {
        if (text == null) {
            return "null";
        }
        String line = HostileText.escaped(text, max);
        return text.length() > max ? line + "... (" + text.length() + " characters)" : line;
    }

    /** What went wrong, without the stack trace: the message, or the exception's name when it has none. */
    static String oneLine(Throwable failure) {
        if (failure == null) {
            return "unknown error";
        }
        String message = failure.getMessage();
        return clean(message == null || message.isBlank() ? failure.getClass().getSimpleName() : message);
    }

    /** e.g. {@code 30s}, {@code 1500ms}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
