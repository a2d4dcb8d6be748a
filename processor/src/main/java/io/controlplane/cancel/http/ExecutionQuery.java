package io.controlplane.cancel.http;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.CancelPolicy;
import io.controlplane.cancel.decision.CommandTiming;
import io.controlplane.cancel.decision.Ids;
import io.controlplane.cancel.state.GracefulCancel;
import io.controlplane.cancel.state.HeldCommand;
import io.controlplane.cancel.state.WaitingCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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

    /**
     * The most commands listed under "scheduled" and under "waiting", soonest first: the answer stays
     * small (the status command reads at most 64 KiB) however many a run holds; the rest are counted.
     */
    static final int MAX_LISTED = 20;

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
        if (execution.isEmpty()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("executionId", executionId);
            body.put("error", "unknown execution");
            return Reply.json(404, body);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionId", executionId);
        body.put("status", status(execution));
        body.put("run", run(execution.run()));
        body.put("cancellation", cancellation(execution.cancellation()));
        body.put("cancelling", cancelling(execution.cancelling()));
        listed(body, "scheduled", execution.held(), HeldCommand::getFireAtMs, ExecutionQuery::scheduled);
        listed(body, "waiting", execution.waiting(), WaitingCommand::getDeadlineMs, ExecutionQuery::waiting);
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

    /**
     * What this processor holds the run to be: its own cancellation wins over whatever upstream still
     * reports (upstream's view is beside it, in "run"), and while its graceful cancel goes on the run
     * is CANCELLING; null when it holds only commands for a run it has no state of.
     */
    private static String status(StreamsView.Execution execution) {
        if (execution.cancellation() != null) {
            return execution.cancellation().getStatus().name();
        }
        if (execution.cancelling() != null) {
            return execution.cancelling().getChange().getStatus().name();
        }
        return execution.run() == null ? null : execution.run().getStatus().name();
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
        body.put("deadlineAt", instant(run.getDeadlineAt()));
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
        body.put("escalated", change.getEscalated());
        return body;
    }

    /** The graceful cancel going on: who asked, when, and when the processor forces the run if it has not stopped. */
    private static Map<String, Object> cancelling(GracefulCancel cancelling) {
        if (cancelling == null) {
            return null;
        }
        RunStateChange change = cancelling.getChange();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("commandId", change.getCommandId());
        body.put("cancelledBy", change.getCancelledBy());
        body.put("askedAt", change.getCancelledAt().toString());
        body.put(
                "escalatesAt",
                Instant.ofEpochMilli(cancelling.getEscalateAtMs()).toString());
        return body;
    }

    /** A command held until its notBefore, when it is judged as if it arrived then. */
    private static Map<String, Object> scheduled(HeldCommand held) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("commandId", held.getCommand().getCommandId());
        body.put("cancelledBy", held.getCommand().getCancelledBy());
        body.put("mode", CommandTiming.modeOf(held.getCommand()).name());
        body.put("notBefore", Instant.ofEpochMilli(held.getFireAtMs()).toString());
        return body;
    }

    /** A command waiting for the run's state: rejected EXECUTION_NOT_FOUND at {@code notFoundAt} if none comes. */
    private static Map<String, Object> waiting(WaitingCommand waiting) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("commandId", waiting.getCommand().getCommandId());
        body.put("cancelledBy", waiting.getCommand().getCancelledBy());
        body.put("mode", CommandTiming.modeOf(waiting.getCommand()).name());
        body.put("notFoundAt", Instant.ofEpochMilli(waiting.getDeadlineMs()).toString());
        return body;
    }

    /**
     * Puts at most {@value #MAX_LISTED} of {@code commands}, soonest first, under {@code name}, and,
     * only when there are more, how many more under {@code <name>NotListed}.
     */
    private static <T> void listed(
            Map<String, Object> body,
            String name,
            List<T> commands,
            Function<T, Long> when,
            Function<T, Map<String, Object>> view) {
        List<T> soonestFirst = new ArrayList<>(commands);
        soonestFirst.sort(Comparator.comparing(when));
        List<Map<String, Object>> shown = new ArrayList<>();
        for (T command : soonestFirst.subList(0, Math.min(MAX_LISTED, soonestFirst.size()))) {
            shown.add(view.apply(command));
        }
        body.put(name, shown);
        if (soonestFirst.size() > MAX_LISTED) {
            body.put(name + "NotListed", soonestFirst.size() - MAX_LISTED);
        }
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
