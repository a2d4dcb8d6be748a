package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.BulkCancelProgress;

/**
 * What a bulk cancel has done so far, summed over the partitions that reported it (or of one
 * partition).
 *
 * @param scanned runs looked at
 * @param matched runs that matched the filter and had not ended; in a dry run, what it would cancel
 * @param cancelled runs cancelled (none in a dry run)
 * @param alreadyTerminal listed runs that had ended already
 * @param notFound listed executionIds that no task holds in the bulk's tenant
 */
public record BulkCounts(long scanned, long matched, long cancelled, long alreadyTerminal, long notFound) {

    /** Nothing done yet. */
    public static final BulkCounts NONE = new BulkCounts(0, 0, 0, 0, 0);

    /** The counts of one progress record: cumulative, so the whole story of its partition. */
    static BulkCounts of(BulkCancelProgress progress) {
        return new BulkCounts(
                progress.getScanned(),
                progress.getMatched(),
                progress.getCancelled(),
                progress.getAlreadyTerminal(),
                progress.getNotFound());
    }

    BulkCounts plus(BulkCounts other) {
        return new BulkCounts(
                scanned + other.scanned,
                matched + other.matched,
                cancelled + other.cancelled,
                alreadyTerminal + other.alreadyTerminal,
                notFound + other.notFound);
    }
}
