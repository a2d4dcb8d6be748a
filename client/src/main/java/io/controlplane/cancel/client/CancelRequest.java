package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.CancelMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One cancel to send: which run, who asks, why, and how (forced at once by default; gracefully with a
 * grace; judged at a later time). The commandId names the command: leave it null for a fresh one, or
 * choose it to make a retry safe. The processor decides a command with the same actor and commandId
 * once only, so sending the same request again (after a {@link CancelOutcome.TimedOut}, or from
 * another instance of the service) never cancels twice, and the client answers the retry with the
 * first command's outcome when it reads it.
 *
 * @param executionId the run to cancel (required)
 * @param cancelledBy the actor asking (required; in signed mode the token's subject)
 * @param reason why, at most 1,024 characters; may be null
 * @param commandId the command's id; null: a fresh UUID. In signed mode the token's jti
 * @param mode FORCE (the default) or GRACEFUL
 * @param grace for GRACEFUL: how long the run may take to stop before it is forced; null: the
 *     processor's {@code cancel.graceful.timeout.ms}
 * @param notBefore judge the command at this time, not now; null: now
 * @param traceId a correlation id copied to the outcome; null: a fresh UUID
 */
public record CancelRequest(
        String executionId,
        String cancelledBy,
        String reason,
        String commandId,
        CancelMode mode,
        Duration grace,
        Instant notBefore,
        String traceId) {

    public CancelRequest {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(cancelledBy, "cancelledBy");
        mode = mode == null ? CancelMode.FORCE : mode;
        if (grace != null && mode != CancelMode.GRACEFUL) {
            throw new IllegalArgumentException("a grace is for a GRACEFUL cancel only");
        }
    }

    /** A forced cancel of {@code executionId} asked by {@code cancelledBy}, now, with a fresh commandId. */
    public static CancelRequest of(String executionId, String cancelledBy) {
        return new CancelRequest(executionId, cancelledBy, null, null, CancelMode.FORCE, null, null, null);
    }

    public CancelRequest withReason(String reason) {
        return new CancelRequest(executionId, cancelledBy, reason, commandId, mode, grace, notBefore, traceId);
    }

    public CancelRequest withCommandId(String commandId) {
        return new CancelRequest(executionId, cancelledBy, reason, commandId, mode, grace, notBefore, traceId);
    }

    /** Ask the run to stop, and force it only if it has not stopped within {@code grace} (null: the processor's default). */
    public CancelRequest graceful(Duration grace) {
        return new CancelRequest(
                executionId, cancelledBy, reason, commandId, CancelMode.GRACEFUL, grace, notBefore, traceId);
    }

    public CancelRequest notBefore(Instant notBefore) {
        return new CancelRequest(executionId, cancelledBy, reason, commandId, mode, grace, notBefore, traceId);
    }

    public CancelRequest withTraceId(String traceId) {
        return new CancelRequest(executionId, cancelledBy, reason, commandId, mode, grace, notBefore, traceId);
    }
}
