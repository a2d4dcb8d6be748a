package io.controlplane.cancel.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Each call's time from when its {@link PacedSchedule} meant it to be made to a moment reported
 * later (its end; or, for the callers' lag, the moment it was actually made). Written from any
 * thread, once per call; calls never reported are counted as missing.
 */
final class IntendedLatencies {

    private static final long NONE = -1;

    private final PacedSchedule schedule;
    private final AtomicLongArray nanos;

    IntendedLatencies(PacedSchedule schedule, int calls) {
        this.schedule = schedule;
        nanos = new AtomicLongArray(calls);
        for (int call = 0; call < calls; call++) {
            nanos.set(call, NONE);
        }
    }

    /** Call {@code call} reached the moment measured to at {@code atNanos} (System.nanoTime). */
    void reached(int call, long atNanos) {
        // a moment before the due time (a caller woken early) is read as no wait, not as a negative one
        nanos.set(call, Math.max(0, atNanos - schedule.due(call)));
    }

    LatencyRun.Percentiles percentiles() {
        long[] reached = new long[nanos.length()];
        int count = 0;
        for (int call = 0; call < reached.length; call++) {
            long value = nanos.get(call);
            if (value != NONE) {
                reached[count++] = value;
            }
        }
        return LatencyRun.Percentiles.of(Arrays.copyOf(reached, count), reached.length - count);
    }
}
