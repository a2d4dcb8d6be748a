package io.controlplane.cancel.cli;

import io.controlplane.cancel.client.BulkCounts;
import io.controlplane.cancel.client.BulkProgress;

/**
 * How {@code bulk-cancel} and {@code bulk-control} show a bulk: its progress as one line with a bar of
 * the partitions done, and its refusal. What the progress is, and when the bulk has ended, is the
 * client library's ({@code BulkCancels}).
 */
final class BulkLines {

    static final int BAR_WIDTH = 10;

    private BulkLines() {}

    /**
     * e.g. {@code bulk b-1: [#####.....] 3/6 partitions done, scanned 51234, matched 40210, cancelled
     * 40210, already terminal 0, not found 0}, and how many partitions are paused or aborted if any.
     */
    static String progress(BulkProgress progress) {
        BulkCounts counts = progress.counts();
        StringBuilder line = new StringBuilder()
                .append("bulk ")
                .append(progress.bulkId())
                .append(": ")
                .append(bar(progress.done(), progress.partitions()))
                .append(' ')
                .append(progress.done())
                .append('/')
                .append(progress.partitions())
                .append(" partitions done, scanned ")
                .append(counts.scanned())
                .append(", matched ")
                .append(counts.matched())
                .append(", cancelled ")
                .append(counts.cancelled())
                .append(", already terminal ")
                .append(counts.alreadyTerminal())
                .append(", not found ")
                .append(counts.notFound());
        if (progress.paused() > 0) {
            line.append(", ").append(progress.paused()).append(" paused");
        }
        if (progress.aborted() > 0) {
            line.append(", ").append(progress.aborted()).append(" aborted");
        }
        return line.toString();
    }

    /** e.g. {@code REJECTED UNAUTHORIZED bulk b-1: Expected actor 'mallory' to hold ...}. */
    static String rejected(String code, String bulkId, String message) {
        return "REJECTED " + code + " bulk " + bulkId + ": " + Text.clean(message);
    }

    /** {@code [#####.....]}: a mark per tenth of the partitions done, rounded down; full only when all are. */
    static String bar(int done, int of) {
        int marks = of <= 0 ? 0 : (int) Math.min(BAR_WIDTH, (long) Math.max(0, done) * BAR_WIDTH / of);
        return "[" + "#".repeat(marks) + ".".repeat(BAR_WIDTH - marks) + "]";
    }
}
