package io.controlplane.cancel.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;

/**
 * The processor JVM working through input already on the topics, measured from its first committed
 * offset to the moment every input record is committed as consumed (polled every 50 ms).
 */
final class ProcessorThroughput {

    private static final long POLL_MILLIS = 50;
    /** No progress for this long means the processor is stuck or dead: fail rather than wait forever. */
    private static final long STALL_NANOS = 120_000_000_000L;

    private ProcessorThroughput() {}

    /** Starts the processor and returns it once every record of {@code inputs} is consumed, with the rate. */
    static Running consumeAll(Admin admin, String name, Map<String, Object> settings, Path workDir, List<String> inputs)
            throws Exception {
        String group = String.valueOf(settings.get("application.id"));
        GroupProgress progress = new GroupProgress(admin, group, inputs);
        long total = inputs.stream().mapToLong(progress::end).sum();
        long before = committed(progress, inputs);
        ProcessorJvm jvm = ProcessorJvm.launch(name, settings, workDir);
        long start = 0;
        Duration cpuAtHalf = null;
        long recordsAtHalf = 0;
        long lastChange = System.nanoTime();
        long seen = before;
        while (seen < total) {
            Thread.sleep(POLL_MILLIS);
            long now = committed(progress, inputs);
            if (now > seen) {
                if (start == 0) {
                    start = System.nanoTime();
                    before = now; // the first commit's records were processed before the clock started
                }
                seen = now;
                if (cpuAtHalf == null && seen - before >= (total - before) / 2) {
                    cpuAtHalf = Jvm.cpuTime(jvm.pid());
                    recordsAtHalf = seen;
                }
                lastChange = System.nanoTime();
            }
            if (!jvm.isAlive() || System.nanoTime() - lastChange > STALL_NANOS) {
                throw new IllegalStateException("processor " + name + " stopped making progress at " + seen + "/"
                        + total + " (see " + jvm.log() + ")");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // CPU over the second half only: the first half pays for the JIT compiling the processor
        double cpuMicros = Jvm.cpuTime(jvm.pid()).minus(cpuAtHalf).toNanos() / 1e3;
        return new Running(
                jvm,
                (total - before) / seconds,
                total - before,
                seconds,
                cpuMicros / Math.max(1, total - recordsAtHalf));
    }

    private static long committed(GroupProgress progress, List<String> inputs)
            throws ExecutionException, InterruptedException {
        long sum = 0;
        for (String topic : inputs) {
            sum += progress.committed(topic);
        }
        return sum;
    }

    /**
     * A processor that has consumed all its input, and how fast it did. The processor's CPU time per
     * record (all its threads: stream thread, producer, GC, JIT; second half of the input) depends far less than the rate on
     * what else the machine is doing, so it is the figure to compare tuning changes by.
     */
    record Running(
            ProcessorJvm jvm, double recordsPerSecond, long records, double seconds, double cpuMicrosPerRecord) {}
}
