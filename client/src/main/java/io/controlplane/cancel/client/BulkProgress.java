package io.controlplane.cancel.client;

/**
 * How far a bulk cancel has come: the latest counts of every partition that has reported, summed.
 * The bulk goes to every partition of the commands topic, so it has ended once each of them has
 * ended it ({@link #ended()} equals {@link #partitions()}).
 *
 * @param bulkId the bulk's id
 * @param counts what the partitions that reported have done, summed
 * @param partitions how many partitions carry the bulk out: those of the commands topic
 * @param reported how many of them have reported the bulk so far
 * @param done how many have done their part
 * @param paused how many are paused
 * @param aborted how many have stopped for good, by an abort
 */
public record BulkProgress(
        String bulkId, BulkCounts counts, int partitions, int reported, int done, int paused, int aborted) {

    /** How many partitions have ended the bulk, done or aborted. */
    public int ended() {
        return done + aborted;
    }
}
