package io.controlplane.cancel.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One call waiting for the outcome of its command, until its deadline. */
final class PendingCall {

    final String commandId;
    /** In the client's clock's milliseconds. */
    final long deadlineMs;

    final CompletableFuture<CancelOutcome> outcome = new CompletableFuture<>();

    PendingCall(String commandId, long deadlineMs) {
        this.commandId = commandId;
        this.deadlineMs = deadlineMs;
    }

    /**
     * What a caller gets: a stage it cannot complete itself, so that one caller cannot answer (or
     * cancel) a call that retries of the same commandId share.
     */
    CompletionStage<CancelOutcome> stage() {
        return outcome.minimalCompletionStage();
    }
}
