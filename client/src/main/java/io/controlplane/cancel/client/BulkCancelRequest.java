package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One bulk cancel to start: every run of one tenant that matches a filter is cancelled by the
 * processor's tasks, each on the runs it holds. With no filter but the tenant it cancels every run of
 * the tenant that can be cancelled; each filter narrows it further. The processor refuses a bulk
 * whose statuses name a terminal one, or that lists more than 10,000 executionIds ({@link
 * BulkOutcome.Rejected}, code {@code INVALID_COMMAND}).
 *
 * <p>The bulkId names the bulk: leave it null for a fresh one, or choose it to make a retry safe. The
 * processor carries out a START of a bulkId once only; a repeated one produces no progress at all,
 * so following it ends {@link BulkOutcome.TimedOut} having heard nothing. The bulkId is what pauses,
 * resumes or aborts the bulk; {@link BulkProgressListener#onSent} tells it once the bulk is sent.
 *
 * @param tenantId the tenant whose runs it cancels (required)
 * @param cancelledBy the actor asking (required; must hold an operator grant covering the tenant; in
 *     signed mode the token's subject)
 * @param reason why, at most 1,024 characters, copied to every cancellation; may be null
 * @param statuses only runs in one of these statuses; empty: every status a run can be cancelled in
 * @param executionIds only these runs, at most 10,000; empty: no filter by id
 * @param updatedBefore only runs last updated before this instant; null: no filter by time
 * @param dryRun count what would be cancelled ({@link BulkCounts#matched()}), cancel nothing; see {@link #asDryRun()}
 * @param bulkId the bulk's id; null: a fresh UUID. In signed mode the token's jti, if it has one
 * @param traceId a correlation id copied to every cancellation; null: a fresh UUID
 */
public record BulkCancelRequest(
        String tenantId,
        String cancelledBy,
        String reason,
        Set<RunStatus> statuses,
        List<String> executionIds,
        Instant updatedBefore,
        boolean dryRun,
        String bulkId,
        String traceId) {

    public BulkCancelRequest {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(cancelledBy, "cancelledBy");
        // an EnumSet keeps the statuses in their declared order, so that the command is the same each time
        statuses = statuses == null || statuses.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(statuses));
        executionIds = executionIds == null ? List.of() : List.copyOf(executionIds);
    }

    /** Every cancellable run of {@code tenantId}, asked by {@code cancelledBy}, with a fresh bulkId. */
    public static BulkCancelRequest of(String tenantId, String cancelledBy) {
        return new BulkCancelRequest(tenantId, cancelledBy, null, Set.of(), List.of(), null, false, null, null);
    }

    public BulkCancelRequest withReason(String reason) {
        return new BulkCancelRequest(
                tenantId, cancelledBy, reason, statuses, executionIds, updatedBefore, dryRun, bulkId, traceId);
    }

    /** Only runs in one of {@code statuses} (none: every status a run can be cancelled in). */
    public BulkCancelRequest withStatuses(Collection<RunStatus> statuses) {
        return new BulkCancelRequest(
                tenantId,
                cancelledBy,
                reason,
                statuses == null ? null : Set.copyOf(statuses),
                executionIds,
                updatedBefore,
                dryRun,
                bulkId,
                traceId);
    }

    /** Only the runs listed, at most 10,000 (none: no filter by id). */
    public BulkCancelRequest withExecutionIds(Collection<String> executionIds) {
        return new BulkCancelRequest(
                tenantId,
                cancelledBy,
                reason,
                statuses,
                executionIds == null ? null : List.copyOf(executionIds),
                updatedBefore,
                dryRun,
                bulkId,
                traceId);
    }

    /** Only runs last updated before {@code updatedBefore} (null: no filter by time). */
    public BulkCancelRequest updatedBefore(Instant updatedBefore) {
        return new BulkCancelRequest(
                tenantId, cancelledBy, reason, statuses, executionIds, updatedBefore, dryRun, bulkId, traceId);
    }

    /** Count what the bulk would cancel, and cancel nothing. */
    public BulkCancelRequest asDryRun() {
        return new BulkCancelRequest(
                tenantId, cancelledBy, reason, statuses, executionIds, updatedBefore, true, bulkId, traceId);
    }

    public BulkCancelRequest withBulkId(String bulkId) {
        return new BulkCancelRequest(
                tenantId, cancelledBy, reason, statuses, executionIds, updatedBefore, dryRun, bulkId, traceId);
    }

    public BulkCancelRequest withTraceId(String traceId) {
        return new BulkCancelRequest(
                tenantId, cancelledBy, reason, statuses, executionIds, updatedBefore, dryRun, bulkId, traceId);
    }
}
