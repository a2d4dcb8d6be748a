package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * One bulk as {@code bulk-cancel --wait} follows it: the latest progress record of each partition
 * (counts are cumulative, so that is the whole story of the partition), summed into one line with a
 * bar of the partitions done; and when it has ended.
 */
final class BulkProgress {

    /** How a followed bulk ended. */
    enum End {
        /** Every partition is DONE. */
        DONE,
        /** Every partition ended, and at least one of them by an ABORT. */
        ABORTED,
        /** The bulk was refused as a whole (the record of partition -1). */
        REJECTED
    }

    static final int BAR_WIDTH = 10;

    private final String bulkId;
    private final int partitions;
    private final Map<Integer, BulkCancelProgress> latest = new TreeMap<>();
    private BulkCancelProgress rejection;

    /**
     * @param partitions how many partitions report on the bulk: those of the commands topic, as the
     *     bulk goes to every task
     */
    BulkProgress(String bulkId, int partitions) {
        this.bulkId = bulkId;
        this.partitions = partitions;
    }

    /**
     * Takes a progress record; whether it is about this bulk and was taken. A rejection counts only
     * before any partition has reported: once a task has started the bulk it was accepted, and a
     * later rejection with its bulkId is of another command (a refused pause, say), not of it.
     */
    boolean accept(BulkCancelProgress record) {
        if (record == null || !bulkId.equals(record.getBulkId())) {
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

    /** How the bulk ended, or empty while it goes on (or nothing was heard of it). */
    Optional<End> end() {
        if (rejection != null) {
            return Optional.of(End.REJECTED);
        }
        if (latest.size() < partitions || latest.isEmpty()) {
            return Optional.empty();
        }
        if (count(BulkState.DONE) + count(BulkState.ABORTED) < latest.size()) {
            return Optional.empty();
        }
        return Optional.of(count(BulkState.ABORTED) > 0 ? End.ABORTED : End.DONE);
    }

    /** Whether any partition (or the bulk as a whole) has reported. */
    boolean heard() {
        return rejection != null || !latest.isEmpty();
    }

    /** The refusal of the bulk as a whole, when {@link #end()} is REJECTED. */
    BulkCancelProgress rejection() {
        return rejection;
    }

    long scanned() {
        return sum(BulkCancelProgress::getScanned);
    }

    long matched() {
        return sum(BulkCancelProgress::getMatched);
    }

    long cancelled() {
        return sum(BulkCancelProgress::getCancelled);
    }

    long alreadyTerminal() {
        return sum(BulkCancelProgress::getAlreadyTerminal);
    }

    long notFound() {
        return sum(BulkCancelProgress::getNotFound);
    }

    /** Partitions whose latest record is in {@code state}. */
    int count(BulkState state) {
        return (int) latest.values().stream()
                .filter(record -> record.getState() == state)
                .count();
    }

    /**
     * e.g. {@code bulk b-1: [#####.....] 3/6 partitions done, scanned 51234, matched 40210, cancelled
     * 40210, already terminal 0, not found 0}, and how many partitions are paused or aborted if any.
     */
    String line() {
        int done = count(BulkState.DONE);
        StringBuilder line = new StringBuilder()
                .append("bulk ")
                .append(bulkId)
                .append(": ")
                .append(bar(done, partitions))
                .append(' ')
                .append(done)
                .append('/')
                .append(partitions)
                .append(" partitions done, scanned ")
                .append(scanned())
                .append(", matched ")
                .append(matched())
                .append(", cancelled ")
                .append(cancelled())
                .append(", already terminal ")
                .append(alreadyTerminal())
                .append(", not found ")
                .append(notFound());
        int paused = count(BulkState.PAUSED);
        if (paused > 0) {
            line.append(", ").append(paused).append(" paused");
        }
        int aborted = count(BulkState.ABORTED);
        if (aborted > 0) {
            line.append(", ").append(aborted).append(" aborted");
        }
        return line.toString();
    }

    /** e.g. {@code REJECTED UNAUTHORIZED bulk b-1: Expected actor 'mallory' to hold ...}. */
    static String rejected(BulkCancelProgress rejection) {
        return "REJECTED " + rejection.getCode() + " bulk " + rejection.getBulkId() + ": "
                + Text.clean(rejection.getMessage());
    }

    /** {@code [#####.....]}: a mark per tenth of the partitions done, rounded down; full only when all are. */
    static String bar(int done, int of) {
        int marks = of <= 0 ? 0 : (int) Math.min(BAR_WIDTH, (long) Math.max(0, done) * BAR_WIDTH / of);
        return "[" + "#".repeat(marks) + ".".repeat(BAR_WIDTH - marks) + "]";
    }

    private long sum(ToLongFunction<BulkCancelProgress> count) {
        return latest.values().stream().mapToLong(count).sum();
    }
}
