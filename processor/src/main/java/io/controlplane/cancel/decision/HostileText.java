package io.controlplane.cancel.decision;

/**
 * Text that came from outside (ids, reasons, record bytes, server answers) as it may be shown in a
 * log line, an error message or a terminal: control characters written as {@code \\uXXXX}, so that it
 * can neither forge lines nor move a cursor, and cut to a length, so that it cannot flood them.
 */
public final class HostileText {

    private HostileText() {}

    /** The first {@code max} characters of {@code text} (not null), escaped. */
    public static String escaped(String text, int max) {
        StringBuilder line = new StringBuilder();
        int end = Math.min(text.length(), max);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.toString();
    }

    /** A C0 control character (U+0000 to U+001F) or DEL (U+007F). */
    static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }
}
