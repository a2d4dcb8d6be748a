package io.controlplane.cancel.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The processor's view of one run ({@code GET /executions/{id}}) in one line: who cancelled it when
 * it did, who is cancelling it gracefully and when it is forced, otherwise the run's state as held
 * (with its deadline); then the commands held for later and those waiting for the run, if any.
 */
final class ExecutionLine {

    /** The most held or waiting commands named in the line; the rest are counted. */
    static final int MAX_NAMED = 5;

    private ExecutionLine() {}

    static String of(JsonNode view) {
        String id = text(view, "executionId", 64);
        return id + " " + state(view) + scheduled(view) + waiting(view);
    }

    private static String state(JsonNode view) {
        JsonNode cancellation = view.path("cancellation");
        if (cancellation.isObject()) {
            String reason = cancellation.hasNonNull("reason") ? ": " + text(cancellation, "reason", 300) : "";
            String escalated = cancellation.path("escalated").asBoolean(false) ? ", escalated" : "";
            return "CANCELLED by " + text(cancellation, "cancelledBy", 64) + " at "
                    + text(cancellation, "cancelledAt", 40) + " (command " + text(cancellation, "commandId", 64)
                    + escalated + ")" + reason;
        }
        JsonNode run = view.path("run");
        JsonNode cancelling = view.path("cancelling");
        if (cancelling.isObject()) {
            return "CANCELLING by " + text(cancelling, "cancelledBy", 64) + " at " + text(cancelling, "askedAt", 40)
                    + " (command " + text(cancelling, "commandId", 64) + "), forced at "
                    + text(cancelling, "escalatesAt", 40) + " unless it stops first"
                    + (run.isObject() ? "; upstream says " + run(run) : "");
        }
        if (run.isObject()) {
            return run(run);
        }
        return "(no run state and no cancellation held)";
    }

    private static String run(JsonNode run) {
        String deadline = run.hasNonNull("deadlineAt") ? " deadline " + text(run, "deadlineAt", 40) : "";
        return text(run, "status", 40) + " v" + text(run, "version", 20) + " tenant " + text(run, "tenantId", 64)
                + deadline;
    }

    private static String scheduled(JsonNode view) {
        return listed(
                view,
                "scheduled",
                "; scheduled: ",
                command -> text(command, "mode", 20) + " by " + text(command, "cancelledBy", 64) + " at "
                        + text(command, "notBefore", 40) + " (command " + text(command, "commandId", 64) + ")");
    }

    private static String waiting(JsonNode view) {
        return listed(
                view,
                "waiting",
                "; waiting for the run: ",
                command -> text(command, "mode", 20) + " by " + text(command, "cancelledBy", 64) + " (command "
                        + text(command, "commandId", 64) + "), not found at " + text(command, "notFoundAt", 40));
    }

    private interface Entry {
        String of(JsonNode command);
    }

    /** {@code prefix} and at most {@value #MAX_NAMED} entries of the list, with how many more; "" for none. */
    private static String listed(JsonNode view, String field, String prefix, Entry entry) {
        JsonNode list = view.path(field);
        if (!list.isArray() || list.isEmpty()) {
            return "";
        }
        StringBuilder line = new StringBuilder(prefix);
        int named = Math.min(MAX_NAMED, list.size());
        for (int i = 0; i < named; i++) {
            line.append(i == 0 ? "" : ", ").append(entry.of(list.get(i)));
        }
        long more =
                list.size() - named + Math.max(0, view.path(field + "NotListed").asLong(0));
        if (more > 0) {
            line.append(" and ").append(more).append(" more");
        }
        return line.toString();
    }

    private static String text(JsonNode node, String field, int max) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "?" : Text.clean(value.asText(), max);
    }
}
