package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;

/**
 * What a parent's cancellation does to one of its children, as a pure function. The parent's
 * decision authorized it (its command passed every rule for the parent's tenant), so a cascaded
 * cancel needs no grant: it only has to stay inside that tenant, never cross into another one.
 * Recursion happens by the child's own cancellation cascading in turn; it ends because a run is
 * cancelled at most once (an already cancelled child produces nothing, so cycles stop there).
 */
public final class CascadeRule {

    /** What a cascaded cancel comes to for one child. */
    public sealed interface Result {}

    /** The child is cancelled: emit exactly this record. */
    public record Cancel(Decision.Cancel cancel) implements Result {}

    /** The child's state has not arrived (or was deleted): keep the cause until it arrives, however late. */
    public record KeepUntilStateArrives() implements Result {}

    /** The processor cancelled the child already (directly or by another cascade): nothing more. */
    public record AlreadyCancelled() implements Result {}

    /** The child has ended otherwise (or its status is unknown): counted, never a rejection. */
    public record SkippedTerminal(RunStatus status) implements Result {}

    /** The child runs in another tenant than its parent: left alone, counted and logged. */
    public record SkippedOtherTenant(String childTenantId) implements Result {}

    private CascadeRule() {}

    /**
     * @param cause           the parent's own cancellation record (itself direct or cascaded)
     * @param childId         the child's executionId
     * @param upstreamChild   the child's state as upstream last reported it, or null
     * @param ownCancellation this processor's cancellation of the child, or null
     * @param now             the processor's clock
     */
    public static Result decide(
            RunStateChange cause, String childId, RunState upstreamChild, RunStateChange ownCancellation, Instant now) {
        if (ownCancellation != null) {
            return new AlreadyCancelled();
        }
        if (upstreamChild == null) {
            return new KeepUntilStateArrives();
        }
        if (!cause.getTenantId().equals(upstreamChild.getTenantId())) {
            return new SkippedOtherTenant(upstreamChild.getTenantId());
        }
        RunStatus status = upstreamChild.getStatus();
        if (!RunStatuses.isCancellable(status)) {
            return new SkippedTerminal(status);
        }
        return new Cancel(new Decision.Cancel(RunStateChange.newBuilder()
                .setExecutionId(childId)
                .setTenantId(upstreamChild.getTenantId())
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(status)
                .setCancelledAt(now)
                .setCancelledBy(cause.getCancelledBy())
                .setReason(cause.getReason())
                .setCommandId(startingCommandId(cause) + "/" + childId)
                .setVersion(upstreamChild.getVersion() + 1)
                .setTraceId(cause.getTraceId())
                .setCascadedFrom(cause.getExecutionId())
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
