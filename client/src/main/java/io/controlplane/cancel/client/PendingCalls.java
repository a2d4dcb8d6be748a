package io.controlplane.cancel.client;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The calls waiting for their outcomes, by commandId, at most {@code max} of them; the outcomes read
 * recently; and the calls' deadlines.
 *
 * <p>Outcomes, timeouts and failures complete calls through {@code completions}, never on the thread
 * that found them: that is the outcome reader's, or the producer's I/O thread, and a caller's slow
 * callback must stall neither.
 */
final class PendingCalls {

    private final ConcurrentHashMap<String, PendingCall> byCommandId = new ConcurrentHashMap<>();
    /**
     * Calls in the order they were made, so in deadline order (all calls have the same timeout; two
     * threads racing may add theirs a few microseconds out of order, and the later one then times out
     * that much late). A call that ended stays here until its deadline, then is dropped: cheaper than
     * finding it, and what it holds is bounded by the calls made per timeout.
     */
    private final Queue<PendingCall> byDeadline = new ConcurrentLinkedQueue<>();

    private final AtomicInteger count = new AtomicInteger();
    private final int max;
    private final Duration timeout;
    private final RecentOutcomes recent;
    private final Executor completions;

    PendingCalls(int max, Duration timeout, int recentOutcomes, Executor completions) {
        this.max = max;
        this.timeout = timeout;
        this.recent = new RecentOutcomes(recentOutcomes);
        this.completions = completions;
    }

    /**
     * The call that answers {@code call}'s commandId: the call pending for it already, or {@code
     * call} itself, now pending, or done at once with the outcome read for that commandId recently.
     * Only a {@code call} returned pending is to be sent.
     *
     * @throws CancelClientException when {@code max} calls are pending
     */
    PendingCall join(PendingCall call) {
        PendingCall pending = byCommandId.get(call.commandId);
        if (pending != null) {
            return pending;
        }
        CancelOutcome decided = recent.get(call.commandId);
        if (decided != null) {
            call.outcome.complete(decided);
            return call;
        }
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            throw new CancelClientException(
                    "Not sent: " + max + " calls are waiting for their outcomes already, the most "
                            + CancelClientConfig.MAX_PENDING + " allows");
        }
        pending = byCommandId.putIfAbsent(call.commandId, call);
        if (pending != null) {
            count.decrementAndGet();
            return pending;
        }
        byDeadline.add(call);
        // The reader records an outcome before it looks for its call, and this looks for the outcome
        // after adding the call: an outcome read meanwhile (another client's command with the same
        // commandId) is found by one of the two, and the command is not sent as a duplicate.
        decided = recent.get(call.commandId);
        if (decided != null && remove(call)) {
            call.outcome.complete(decided);
        }
        return call;
    }

    /** The processor's outcome for a command: it ends the call waiting for it, if any. */
    void decided(CancelOutcome outcome) {
        recent.put(outcome);
        PendingCall call = byCommandId.remove(outcome.commandId());
        if (call != null) {
            count.decrementAndGet();
            completions.execute(() -> call.outcome.complete(outcome));
        }
    }

    /** Ends as TimedOut every call whose deadline is {@code nowMs} or earlier. Called by one thread. */
    void expire(long nowMs) {
        PendingCall call;
        while ((call = byDeadline.peek()) != null && call.deadlineMs <= nowMs) {
            byDeadline.poll();
            if (remove(call)) {
                PendingCall expired = call;
                completions.execute(
                        () -> expired.outcome.complete(new CancelOutcome.TimedOut(expired.commandId, timeout)));
            }
        }
    }

    /** Fails {@code call}, unless it has ended already, and frees its slot. */
    void fail(PendingCall call, CancelClientException failure) {
        if (remove(call)) {
            completions.execute(() -> call.outcome.completeExceptionally(failure));
        }
    }

    /**
     * Fails every pending call on this thread, so that each has ended when this returns (the client
     * is closing; nothing more will be read).
     */
    void failAll(Function<PendingCall, CancelClientException> failure) {
        for (PendingCall call : byCommandId.values()) {
            if (remove(call)) {
                call.outcome.completeExceptionally(failure.apply(call));
            }
        }
        byDeadline.clear();
    }

    int count() {
        return count.get();
    }

    private boolean remove(PendingCall call) {
        if (byCommandId.remove(call.commandId, call)) {
            count.decrementAndGet();
            return true;
        }
        return false;
    }
}
