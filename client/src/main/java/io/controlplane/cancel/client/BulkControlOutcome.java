package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.BulkState;
import java.time.Duration;

/** The processor's answer to a pause, resume or abort of a bulk cancel, or none in time. */
public sealed interface BulkControlOutcome {

    String bulkId();

    /**
     * A partition reported the bulk in the state the action leads to: it reached the processor, and
     * the other partitions follow as each takes it. {@code counts} are that partition's.
     */
    record Acknowledged(String bulkId, BulkState state, int partition, BulkCounts counts)
            implements BulkControlOutcome {}

    /**
     * The processor refused the action: {@code code} is the contract's RejectionCode name, e.g.
     * EXECUTION_NOT_FOUND for a bulk never started, ALREADY_TERMINAL to resume an aborted one.
     */
    record Rejected(String bulkId, String code, String message) implements BulkControlOutcome {}

    /**
     * No answer {@code after} the action was sent: the processor is down or behind, or the bulk is
     * already {@code awaited} (the state the action leads to), or has ended on every partition
     * (neither answers).
     */
    record TimedOut(String bulkId, BulkState awaited, Duration after) implements BulkControlOutcome {}
}
