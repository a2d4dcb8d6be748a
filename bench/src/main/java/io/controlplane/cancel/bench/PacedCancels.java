package io.controlplane.cancel.bench;

import io.controlplane.cancel.client.CancelClient;
import io.controlplane.cancel.client.CancelRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * cancel() calls through one {@link CancelClient} at a fixed rate for a fixed time, from a few caller
 * threads that share the {@link PacedSchedule} (caller t makes calls t, t + CALLERS, ...), so that a
 * call that blocks in the client holds up a quarter of the schedule, not all of it. Each call's
 * latency is from the time the schedule meant it to be made to its stage's completion, as a service
 * calling at that rate would see it; how late the callers made their calls is measured beside it.
 */
final class PacedCancels {

    static final int CALLERS = 4;

    /**
     * @param latencies from each call's due time to its stage's completion
     * @param lag from each call's due time to the moment it was made
     */
    record Result(
            int calls, LatencyRun.Percentiles latencies, LatencyRun.Percentiles lag, CallOutcomes.Counts outcomes) {}

    private PacedCancels() {}

    /**
     * Makes {@code perSecond * seconds} calls, call k asking {@code request.apply(k)}, and waits up to
     * {@code drain} after the last for the stages still open. {@code window} opens once the callers'
     * threads run and closes before they end, so that the bytes they allocate are not lost.
     */
    static Result offer(
            CancelClient client,
            int perSecond,
            int seconds,
            IntFunction<CancelRequest> request,
            LatencyRun.Window window,
            Duration drain)
            throws Exception {
        int calls = perSecond * seconds;
        ThreadPoolExecutor callers = callers();
        try {
            window.open();
            PacedSchedule schedule = new PacedSchedule(System.nanoTime(), perSecond);
            IntendedLatencies latencies = new IntendedLatencies(schedule, calls);
            IntendedLatencies lag = new IntendedLatencies(schedule, calls);
            CallOutcomes outcomes = new CallOutcomes();
            CountDownLatch ended = new CountDownLatch(calls);
            List<Callable<Void>> slices = new ArrayList<>();
            for (int first = 0; first < CALLERS; first++) {
                int start = first;
                slices.add(() -> {
                    for (int call = start; call < calls; call += CALLERS) {
                        awaitDue(schedule.due(call));
                        int k = call;
                        lag.reached(k, System.nanoTime());
                        client.cancel(request.apply(k)).whenComplete((outcome, failure) -> {
                            latencies.reached(k, System.nanoTime());
                            outcomes.ended(outcome, failure);
                            ended.countDown();
                        });
                    }
                    return null;
                });
            }
            for (Future<Void> slice : callers.invokeAll(slices)) {
                slice.get(); // a caller that threw ends the run: its calls would be missing for no reason given
            }
            ended.await(drain.toNanos(), TimeUnit.NANOSECONDS);
            window.close();
            return new Result(calls, latencies.percentiles(), lag.percentiles(), outcomes.counts());
        } finally {
            callers.shutdownNow();
        }
    }

    /** Started now, before any window opens, and ended by the caller after it closes. */
    private static ThreadPoolExecutor callers() {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor callers = new ThreadPoolExecutor(
                CALLERS,
                CALLERS,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                task -> new Thread(task, "paced-caller-" + number.incrementAndGet()));
        callers.prestartAllCoreThreads();
        return callers;
    }

    /** parkNanos may return early (a spurious wake-up): park again until the time has come. */
    private static void awaitDue(long due) {
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }
}
