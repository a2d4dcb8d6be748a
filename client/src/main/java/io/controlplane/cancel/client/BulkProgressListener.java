package io.controlplane.cancel.client;

/**
 * Told how a bulk cancel goes while it is followed. Calls for one bulk are made one at a time, in
 * order, on the client's callback executor, never on a thread that reads Kafka; all of them are made
 * before the bulk's {@link BulkOutcome} completes. A listener that throws is logged and called again
 * with the next progress; it does not stop the bulk, which goes on in the processor whatever the
 * client does.
 */
@FunctionalInterface
public interface BulkProgressListener {

    /** A listener that is told nothing. */
    BulkProgressListener NONE = progress -> {};

    /**
     * The bulk command is on Kafka, before any progress: {@code bulkId} is the id that pauses, resumes
     * or aborts it (the request's, or the one the client chose).
     */
    default void onSent(String bulkId) {}

    /** The running totals, each time a partition reported progress. */
    void onProgress(BulkProgress progress);
}
