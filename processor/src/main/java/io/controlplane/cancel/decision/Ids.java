package io.controlplane.cancel.decision;

/**
 * What every id (commandId, executionId, cancelledBy, tenantId, a grant's actorId) must be: a name,
 * not a carrier of control characters. Store keys join ids with U+0000, so this is also what keeps
 * two distinct pairs of ids from ever building the same key.
 */
public final class Ids {

    static final int QUOTED_LENGTH = 64;

    private Ids() {}

    /** Whether {@code id} holds a C0 control character (U+0000 to U+001F) or DEL (U+007F). */
    public static boolean hasControlCharacter(String id) {
        return firstControlCharacter(id) >= 0;
    }

    /**
     * Why {@code id} cannot name anything (missing or blank, over {@value CancelPolicy#MAX_ID_LENGTH}
     * characters, a control character), as the end of a sentence, or null if it can.
     */
    public static String problem(String field, String id) {
        if (id == null || id.isBlank()) {
            return "its " + field + " is missing or blank";
        }
        if (id.length() > CancelPolicy.MAX_ID_LENGTH) {
            return "its " + field + " has " + id.length() + " characters, more than the " + CancelPolicy.MAX_ID_LENGTH
                    + " allowed";
        }
        return controlCharacterProblem(field, id);
    }

    /** An id cut to {@value CancelPolicy#MAX_ID_LENGTH} characters, for a record that must stay small. */
    public static String cut(String id) {
        return BoundedText.cut(id, CancelPolicy.MAX_ID_LENGTH);
    }

    /** The problem with an id as the end of a sentence, or null if there is none. */
    static String controlCharacterProblem(String field, String id) {
        int at = firstControlCharacter(id);
        return at < 0
                ? null
                : String.format(
                        "its %s contains the control character U+%04X at position %d", field, (int) id.charAt(at), at);
    }

    /**
     * An id as it may appear in a log line or an error message: at most {@value #QUOTED_LENGTH}
     * characters, control characters written as {@code \\uXXXX}, so that a hostile id can neither
     * flood a log nor forge lines in it.
     */
    public static String quote(String id) {
        if (id == null) {
            return "null";
        }
        String quoted = "'" + HostileText.escaped(id, QUOTED_LENGTH) + "'";
        return id.length() > QUOTED_LENGTH ? quoted + " (" + id.length() + " characters)" : quoted;
    }

    private static int firstControlCharacter(String id) {
        if (id != null) {
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (HostileText.isControl(c)) {
                    return i;
                }
            }
        }
        return -1;
    }
}
