package io.controlplane.cancel.bench;

/**
 * When each call of a fixed-rate run is meant to be made: call j at {@code start + j / perSecond}.
 * Latencies are measured from these times, not from when a caller got round to the call, so that a
 * caller held up (by a slow call, a pause, the scheduler) shows as latency instead of as calls
 * quietly not made (coordinated omission).
 */
record PacedSchedule(long startNanos, int perSecond) {

    PacedSchedule {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("a rate of " + perSecond + " calls/s");
        }
    }

    /** System.nanoTime at which call {@code call} is due; computed from the start, so no rounding accumulates. */
    long due(long call) {
        return startNanos + call * 1_000_000_000L / perSecond;
    }
}
