package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;

/**
 * What a cancelled run's cascade does at one of its descendants, as a pure function. The cascade
 * carries the cancellation of the nearest cancelled ancestor (the <em>cause</em>): its command
 * passed every rule for that run's tenant, so a cascaded cancel needs no grant; it only has to stay
 * inside that tenant. It reaches every descendant: one it may cancel is cancelled (and then cascades
 * on with its own cancellation, in the same tenant); one that has ended, runs in another tenant, or
 * was cancelled in another tenant is left as it is, and the cascade passes through it to its
 * children, once per tenant. It ends because a run is cancelled at most once and passed through at
 * most once per tenant, so cycles in the parent links stop.
 */
public final class CascadeRule {

    /** What a cascade comes to at one descendant. */
    public sealed interface Result {}

    /** The descendant is cancelled: emit exactly this record; it cascades on with it. */
    public record Cancel(Decision.Cancel cancel) implements Result {}

    /**
     * The descendant is left as it is; the cascade goes on to its children with the same cause.
     *
     * @param reason why it is not cancelled, for the metrics and the log
     */
    public record PassThrough(Reason reason) implements Result {}

    /** Why a descendant is passed through rather than cancelled. */
    public enum Reason {
        /** It has ended (or its status is unknown): counted, never a rejection. */
        TERMINAL,
        /** It runs in another tenant than the cancelled run: left alone, counted and logged. */
        OTHER_TENANT
    }

    /**
     * Nothing to do: the cascade was here already (the descendant is cancelled in the cause's tenant,
     * whose cancellation cascaded on by itself, or this tenant's cascade passed through it before),
     * or the descendant has no state (deleted): a state that names its parent again brings the
     * parent's cancellation back with it.
     */
    public record Nothing() implements Result {}

    private CascadeRule() {}

    /**
     * @param cause           the cancellation of the nearest cancelled ancestor (itself direct or cascaded)
     * @param descendantId    the descendant's executionId
     * @param upstream        the descendant's state as upstream last reported it, or null
     * @param ownCancellation this processor's cancellation of the descendant, or null
     * @param passedAlready   whether a cascade in the cause's tenant passed through the descendant before
     * @param now             the processor's clock
     */
    public static Result decide(
            RunStateChange cause,
            String descendantId,
            RunState upstream,
            RunStateChange ownCancellation,
            boolean passedAlready,
            Instant now) {
        String tenantId = cause.getTenantId();
        if (passedAlready) {
            return new Nothing();
        }
        if (ownCancellation != null) {
            return ownCancellation.getTenantId().equals(tenantId)
                    ? new Nothing()
                    : new PassThrough(Reason.OTHER_TENANT);
        }
        if (upstream == null) {
            return new Nothing();
        }
        if (!tenantId.equals(upstream.getTenantId())) {
            return new PassThrough(Reason.OTHER_TENANT);
        }
        RunStatus status = upstream.getStatus();
        if (!RunStatuses.isCancellable(status)) {
            return new PassThrough(Reason.TERMINAL);
        }
        return new Cancel(new Decision.Cancel(RunStateChange.newBuilder()
                .setExecutionId(descendantId)
                .setTenantId(upstream.getTenantId())
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(status)
                .setCancelledAt(now)
                .setCancelledBy(cause.getCancelledBy())
                .setReason(cause.getReason())
                .setCommandId(startingCommandId(cause) + "/" + descendantId)
                .setVersion(upstream.getVersion() + 1)
                .setTraceId(cause.getTraceId())
                .setCascadedFrom(cause.getExecutionId())
                .setBulkId(cause.getBulkId()) // a descendant of a run a bulk cancelled was cancelled by that bulk
                .build()));
    }

    /**
     * The commandId of the command that started the cascade. A cascaded cancellation's commandId is
     * that id + "/" + its own executionId, so taking that exact suffix off gives it back, whatever
     * the id itself holds (slashes included).
     */
    static String startingCommandId(RunStateChange cause) {
        String commandId = cause.getCommandId();
        String suffix = "/" + cause.getExecutionId();
        if (cause.getCascadedFrom() != null && commandId.endsWith(suffix)) {
            return commandId.substring(0, commandId.length() - suffix.length());
        }
        return commandId;
    }
}
