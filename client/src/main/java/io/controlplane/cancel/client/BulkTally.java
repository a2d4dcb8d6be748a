package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One bulk as its progress records tell it: the latest record of each partition (counts are
 * cumulative, so that is the whole story of the partition), summed; and whether and how it has
 * ended. The one place that decides when a bulk is over, for the client and the operator CLI alike.
 */
final class BulkTally {

    private final String bulkId;
    private final int partitions;
    private final boolean dryRun;
    private final Map<Integer, BulkCancelProgress> latest = new HashMap<>();
    private BulkCancelProgress rejection;

    /**
     * @param partitions how many partitions report on the bulk: those of the commands topic, as the
     *     bulk goes to every task
     */
    BulkTally(String bulkId, int partitions, boolean dryRun) {
        this.bulkId = bulkId;
        this.partitions = partitions;
        this.dryRun = dryRun;
    }

    /**
     * Takes a progress record; whether it is about this bulk and was taken. A rejection counts only
     * before any partition has reported: once a task has started the bulk it was accepted, and a
     * later rejection with its bulkId is of another command (a refused pause, say), not of it.
     */
    boolean accept(BulkCancelProgress record) {
        if (!bulkId.equals(record.getBulkId())) {
            return false;
        }
        if (record.getPartition() < 0) {
            if (record.getState() != BulkState.REJECTED || !latest.isEmpty() || rejection != null) {
                return false;
            }
            rejection = record;
            return true;
        }
        latest.put(record.getPartition(), record);
        return true;
    }

    /** The running totals. */
    BulkProgress progress() {
        BulkCounts counts = BulkCounts.NONE;
        for (BulkCancelProgress record : latest.values()) {
            counts = counts.plus(BulkCounts.of(record));
        }
        return new BulkProgress(
                bulkId,
                counts,
                partitions,
                latest.size(),
                count(BulkState.DONE),
                count(BulkState.PAUSED),
                count(BulkState.ABORTED));
    }

    /**
     * How the bulk ended: refused as a whole, or every partition ended it (aborted if any of them by
     * an abort); empty while it goes on, or while nothing was heard of it.
     */
    Optional<BulkOutcome> outcome() {
        if (rejection != null) {
            return Optional.of(new BulkOutcome.Rejected(
                    bulkId, String.valueOf(rejection.getCode()), String.valueOf(rejection.getMessage())));
        }
        BulkProgress progress = progress();
        if (progress.reported() == 0 || progress.reported() < partitions || progress.ended() < progress.reported()) {
            return Optional.empty();
        }
        return Optional.of(
                progress.aborted() > 0
                        ? new BulkOutcome.Aborted(bulkId, progress.counts(), partitions, dryRun)
                        : new BulkOutcome.Done(bulkId, progress.counts(), partitions, dryRun));
    }

    private int count(BulkState state) {
        return (int) latest.values().stream()
                .filter(record -> record.getState() == state)
                .count();
    }
}
