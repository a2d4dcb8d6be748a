package io.controlplane.cancel.bench;

import io.controlplane.cancel.client.CancelOutcome;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** How the cancel() calls of a run ended, counted from any thread as their stages complete. */
final class CallOutcomes {

    /**
     * The counts once every call has ended (or the wait for them was given up), and the first failure's
     * message (null: none), as a count of failures says nothing of why.
     */
    record Counts(long cancelled, long cancelling, long rejected, long timedOut, long failed, String firstFailure) {

        long ended() {
            return cancelled + cancelling + rejected + timedOut + failed;
        }

        String text() {
            return String.format(
                    "cancelled %,d, cancelling %,d, rejected %,d, timed out %,d, failed %,d%s",
                    cancelled,
                    cancelling,
                    rejected,
                    timedOut,
                    failed,
                    firstFailure == null ? "" : " (first: " + firstFailure + ")");
        }
    }

    private final LongAdder cancelled = new LongAdder();
    private final LongAdder cancelling = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    /** One stage's end, as {@code whenComplete} gives it: an outcome, or the failure it ended with. */
    void ended(CancelOutcome outcome, Throwable failure) {
        if (failure != null) {
            failed.increment();
            firstFailure.compareAndSet(null, String.valueOf(failure));
        } else if (outcome instanceof CancelOutcome.Cancelled) {
            cancelled.increment();
        } else if (outcome instanceof CancelOutcome.Cancelling) {
            cancelling.increment();
        } else if (outcome instanceof CancelOutcome.Rejected) {
            rejected.increment();
        } else {
            timedOut.increment();
        }
    }

    Counts counts() {
        return new Counts(
                cancelled.sum(), cancelling.sum(), rejected.sum(), timedOut.sum(), failed.sum(), firstFailure.get());
    }
}
