package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Duration;
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
 *
 * <p>A graceful cancel cascades gracefully (rule 6 of cancellation over time): its cause is the
 * CANCELLING record, and each same-tenant descendant is asked to stop with the same grace, and
 * escalates on its own. A forced cancel or an escalation cascades forced: a descendant still
 * CANCELLING is then forced too (escalated). Graceful and forced cascades pass through a run once
 * per tenant each, so that an escalation still reaches past a run a graceful cascade passed.
 */
public final class CascadeRule {

    /** What a cascade comes to at one descendant. */
    public sealed interface Result {}

    /** The descendant is cancelled: emit exactly this record; it cascades on with it. */
    public record Cancel(Decision.Cancel cancel) implements Result {}

    /** The descendant is asked to stop gracefully: emit this CANCELLING record; it cascades on with it. */
    public record Cancelling(Decision.Cancelling cancelling) implements Result {}

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
     * @param cause           the cancellation of the nearest cancelled ancestor (itself direct or
     *                        cascaded): CANCELLED, or CANCELLING for a graceful cascade
     * @param grace           a graceful cascade's grace (ignored for a forced one)
     * @param descendantId    the descendant's executionId
     * @param upstream        the descendant's state as upstream last reported it, or null
     * @param ownCancellation this processor's cancellation of the descendant, or null
     * @param ownCancelling   the CANCELLING record of the descendant's graceful cancel going on, or null
     * @param passedAlready   whether a cascade in the cause's tenant, graceful or forced as this one,
     *                        passed through the descendant before
     * @param now             the processor's clock
     */
    public static Result decide(
            RunStateChange cause,
            Duration grace,
            String descendantId,
            RunState upstream,
            RunStateChange ownCancellation,
            RunStateChange ownCancelling,
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
        boolean graceful = isGraceful(cause);
        if (ownCancelling != null) {
            if (!ownCancelling.getTenantId().equals(tenantId)) {
                return new PassThrough(Reason.OTHER_TENANT);
            }
            // asked to stop gracefully already (and its own cascade went on then); a forced cascade forces it
            if (graceful) {
                return new Nothing();
            }
            RunStateChange.Builder forced = RunStateChange.newBuilder()
                    .setExecutionId(descendantId)
                    .setTenantId(tenantId)
                    .setStatus(RunStatus.CANCELLED)
                    .setPreviousStatus(RunStatus.CANCELLING)
                    .setCancelledAt(now)
                    .setVersion(GracefulRule.newestVersion(ownCancelling, upstream) + 1)
                    .setEscalated(true);
            return new Cancel(new Decision.Cancel(cascaded(forced, cause, descendantId)));
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
        RunStateChange.Builder change = RunStateChange.newBuilder()
                .setExecutionId(descendantId)
                .setTenantId(upstream.getTenantId())
                .setStatus(graceful ? RunStatus.CANCELLING : RunStatus.CANCELLED)
                .setPreviousStatus(status)
                .setCancelledAt(now)
                .setVersion(upstream.getVersion() + 1)
                .setEscalated(false);
        return graceful
                ? new Cancelling(new Decision.Cancelling(cascaded(change, cause, descendantId), grace))
                : new Cancel(new Decision.Cancel(cascaded(change, cause, descendantId)));
    }

    /** Whether the cause is a graceful cancel's CANCELLING record (else a cancellation, CANCELLED). */
    public static boolean isGraceful(RunStateChange cause) {
        return cause.getStatus() == RunStatus.CANCELLING;
    }

    /** The cascade's part of a descendant's record: the cause's actor, reason and trace, and where it came from. */
    private static RunStateChange cascaded(RunStateChange.Builder change, RunStateChange cause, String descendantId) {
        return change.setCancelledBy(cause.getCancelledBy())
                .setReason(cause.getReason())
                .setCommandId(startingCommandId(cause) + "/" + descendantId)
                .setTraceId(cause.getTraceId())
                .setCascadedFrom(cause.getExecutionId())
                .setBulkId(cause.getBulkId()) // a descendant of a run a bulk cancelled was cancelled by that bulk
                .build();
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
