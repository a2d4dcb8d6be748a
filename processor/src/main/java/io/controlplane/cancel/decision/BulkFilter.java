package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;

/**
 * Issue 18, rule 2: which runs a started bulk cancels. Pure: the task gives it each run it holds (or,
 * for a bulk that lists its runs, each listed run of its partition) and counts what it says.
 */
public final class BulkFilter {

    /** What a bulk makes of one run. */
    public enum Verdict {
        /** Not the bulk's business: another tenant, status or time, or (listed) not held at all. */
        NOT_MATCHED,
        /** Matched and may still be cancelled. */
        CANCEL,
        /** Listed by the bulk, in its tenant, but ended already. */
        ALREADY_TERMINAL
    }

    private BulkFilter() {}

    /**
     * @param upstream the run as upstream last reported it, or null
     * @param ownCancellation this processor's cancellation of the run, or null: it wins over upstream,
     *     so that a run is cancelled at most once, whoever asks
     * @param listed whether the bulk named this run in its executionIds
     */
    public static Verdict judge(
            BulkCancelCommand bulk, RunState upstream, RunStateChange ownCancellation, boolean listed) {
        String tenantId = ownCancellation != null
                ? ownCancellation.getTenantId()
                : upstream == null ? null : upstream.getTenantId();
        // A run in another tenant is invisible to the bulk, whatever its list says.
        if (tenantId == null || !tenantId.equals(bulk.getTenantId())) {
            return Verdict.NOT_MATCHED;
        }
        RunStatus status = ownCancellation != null ? RunStatus.CANCELLED : upstream.getStatus();
        if (RunStatuses.isTerminal(status)) {
            return listed ? Verdict.ALREADY_TERMINAL : Verdict.NOT_MATCHED;
        }
        if (bulk.getStatuses().isEmpty()
                ? !RunStatuses.isCancellable(status)
                : !bulk.getStatuses().contains(status)) {
            return Verdict.NOT_MATCHED;
        }
        Instant before = bulk.getUpdatedBefore();
        if (before != null && !upstream.getUpdatedAt().isBefore(before)) {
            return Verdict.NOT_MATCHED;
        }
        return Verdict.CANCEL;
    }

    /** The commandId of the cancellation a bulk makes of one run. */
    public static String commandId(String bulkId, String executionId) {
        return bulkId + "/" + executionId;
    }

    /**
     * The CANCELLED record of a run {@link #judge} said to cancel.
     *
     * @param run      the run as this processor sees it
     * @param stopping whether this processor's own graceful cancel of the run goes on (then it is escalated)
     */
    public static RunStateChange cancellation(BulkCancelCommand bulk, RunState run, boolean stopping, Instant now) {
        return RunStateChange.newBuilder()
                .setExecutionId(run.getExecutionId())
                .setTenantId(run.getTenantId())
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(run.getStatus())
                .setCancelledAt(now)
                .setCancelledBy(bulk.getCancelledBy())
                .setReason(bulk.getReason())
                .setCommandId(commandId(bulk.getBulkId(), run.getExecutionId()))
                .setVersion(run.getVersion() + 1)
                .setTraceId(bulk.getTraceId())
                .setBulkId(bulk.getBulkId())
                // a run stopping gracefully that a bulk forces is escalated, as by any FORCE
                .setEscalated(stopping)
                .build();
    }
}
