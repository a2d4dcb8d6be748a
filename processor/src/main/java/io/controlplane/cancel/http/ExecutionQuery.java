package io.controlplane.cancel.http;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.CancelPolicy;
import io.controlplane.cancel.decision.Ids;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * GET /executions/{executionId}: the processor's view of one run, from whichever instance is asked.
 * It shows tenant data, so it needs the bearer token ({@code cancel.http.query.token}), and is off
 * without one. The instance asked answers from its own stores if its task holds the execution's
 * partition, and otherwise asks the one that does (once: a forwarded request is never forwarded
 * again, so that instances with different views of the group cannot bounce it between them).
 */
final class ExecutionQuery {

    private final Optional<QueryToken> token;
    private final StreamsView streams;
    private final OwnerForwarding forwarding;

    ExecutionQuery(Optional<QueryToken> token, StreamsView streams, OwnerForwarding forwarding) {
        this.token = token;
        this.streams = streams;
        this.forwarding = forwarding;
    }

    /**
     * @param authorization the request's Authorization header, or null
     * @param forwarded whether another instance forwarded this request
     */
    Reply answer(String executionId, String authorization, boolean forwarded) {
        Optional<Reply> refusal = QueryToken.refusal(token, authorization);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        String problem = problem(executionId);
        if (problem != null) {
            return Reply.json(400, Map.of("error", problem));
        }
        Optional<StreamsView.Owner> owner = streams.owner(executionId);
        if (owner.isEmpty()) {
            return unavailable("the instance owning this execution is not known yet");
        }
        HostInfo host = owner.get().host();
        if (!host.equals(streams.self())) {
            return forwarded
                    ? unavailable("this instance was asked as the owner, but does not own this execution (yet)")
                    : forwarding.forward(host, executionId, authorization);
        }
        StreamsView.Execution execution;
        try {
            execution = streams.execution(executionId, owner.get().partition());
        } catch (InvalidStateStoreException e) {
            return unavailable("this execution's store cannot be read yet");
        }
        if (execution.run() == null && execution.cancellation() == null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("executionId", executionId);
            body.put("error", "unknown execution");
            return Reply.json(404, body);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionId", executionId);
        // What this processor holds the run to be: its own cancellation wins over whatever upstream
        // still reports (upstream's view is beside it, in "run").
        body.put(
                "status",
                execution.cancellation() != null
                        ? execution.cancellation().getStatus().name()
                        : execution.run().getStatus().name());
        body.put("run", run(execution.run()));
        body.put("cancellation", cancellation(execution.cancellation()));
        body.put("servedBy", host.host() + ":" + host.port());
        return Reply.json(200, body);
    }

    /** Why {@code executionId} cannot name a run, or null if it can. */
    static String problem(String executionId) {
        if (executionId.isEmpty()) {
            return "no executionId";
        }
        if (executionId.length() > CancelPolicy.MAX_ID_LENGTH) {
            return "an executionId has at most " + CancelPolicy.MAX_ID_LENGTH + " characters";
        }
        if (Ids.hasControlCharacter(executionId)) {
            return "an executionId holds no control characters";
        }
        return null;
    }

    private Reply unavailable(String why) {
        return Reply.unavailable(why, streams.state());
    }

    private static Map<String, Object> run(RunState run) {
        if (run == null) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", run.getStatus().name());
        body.put("version", run.getVersion());
        body.put("tenantId", run.getTenantId());
        return body;
    }

    private static Map<String, Object> cancellation(RunStateChange change) {
        if (change == null) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cancelledBy", change.getCancelledBy());
        body.put("cancelledAt", change.getCancelledAt().toString());
        body.put("commandId", change.getCommandId());
        body.put("reason", change.getReason());
        body.put("traceId", change.getTraceId());
        return body;
    }
}
