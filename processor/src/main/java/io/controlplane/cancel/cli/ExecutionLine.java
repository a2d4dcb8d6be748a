package io.controlplane.cancel.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The processor's view of one run ({@code GET /executions/{id}}) in one line: who cancelled it when
 * it did, otherwise the run's state as held.
 */
final class ExecutionLine {

    private ExecutionLine() {}

    static String of(JsonNode view) {
        String id = text(view, "executionId", 64);
        JsonNode cancellation = view.path("cancellation");
        if (cancellation.isObject()) {
            String reason = cancellation.hasNonNull("reason") ? ": " + text(cancellation, "reason", 300) : "";
            return id + " CANCELLED by " + text(cancellation, "cancelledBy", 64) + " at "
                    + text(cancellation, "cancelledAt", 40) + " (command " + text(cancellation, "commandId", 64)
                    + ")" + reason;
        }
        JsonNode run = view.path("run");
        if (run.isObject()) {
            return id + " " + text(run, "status", 40) + " v" + text(run, "version", 20) + " tenant "
                    + text(run, "tenantId", 64);
        }
        return id + " (no run state and no cancellation held)";
    }

    private static String text(JsonNode node, String field, int max) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "?" : Text.clean(value.asText(), max);
    }
}
