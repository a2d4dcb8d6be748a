package io.controlplane.cancel.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes allocated on the heap by every thread of this JVM between {@link #open} and {@link
 * #close}, as HotSpot counts them per thread ({@code com.sun.management.ThreadMXBean}): each live
 * thread's count is read at both ends and the differences summed. A thread started in between counts
 * from zero (it allocated all it has in between); a thread that ends in between takes its count with
 * it, so its bytes are lost: how many of the threads alive at the open were lost is part of the
 * figure, and a thread both started and ended in between is not seen at all. Keep the threads that
 * do the work alive over the window.
 */
final class ThreadAllocations implements LatencyRun.Window {

    /** Bytes allocated in the window by the threads alive at its close, and the names of those at its open that ended. */
    record Allocated(long bytes, List<String> lost) {

        int threadsLost() {
            return lost.size();
        }

        double perCall(long calls) {
            return bytes / (double) calls;
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Map<Long, Long> atOpen;
    private Map<Long, String> namesAtOpen;
    private Allocated allocated;

    @Override
    public void open() {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not count the bytes its threads allocate");
        }
        namesAtOpen = new HashMap<>();
        Thread.getAllStackTraces().keySet().forEach(thread -> namesAtOpen.put(thread.getId(), thread.getName()));
        atOpen = byThread();
    }

    @Override
    public void close() {
        allocated = between(atOpen, byThread(), namesAtOpen);
    }

    Allocated allocated() {
        return allocated;
    }

    /** Each live thread's id and the bytes it has allocated since it started. */
    private static Map<Long, Long> byThread() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) { // -1: the thread ended between the two calls
                byThread.put(ids[i], bytes[i]);
            }
        }
        return byThread;
    }

    /**
     * The window's bytes from two readings (thread id to bytes; ids are never reused within a JVM), and
     * the threads lost by {@code names} at the open.
     */
    static Allocated between(Map<Long, Long> before, Map<Long, Long> after, Map<Long, String> names) {
        long bytes = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            bytes += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
        }
        List<String> lost = before.keySet().stream()
                .filter(id -> !after.containsKey(id))
                .map(id -> names.getOrDefault(id, "thread " + id))
                .sorted()
                .toList();
        return new Allocated(bytes, lost);
    }
}
