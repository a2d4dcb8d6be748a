package io.controlplane.cancel.bench;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.topology.Topics;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Commands offered at a fixed rate for a fixed time to a processor that holds the run states; each
 * command's latency is from the moment it is handed to the producer to the moment its outcome is
 * readable with read_committed. Duplicates (no outcome) and EXECUTION_NOT_FOUND (decided only after
 * the deployed 10 s grace, by design) are sent but not measured.
 */
final class LatencyRun {

    private static final long DRAIN_NANOS = 30_000_000_000L;

    private LatencyRun() {}

    /**
     * Told when the run's commands start to go out (its clients are up) and when the last outcome is
     * in or given up on (its clients not yet closed), to measure something else over that time.
     */
    interface Window {

        Window NONE = new Window() {
            @Override
            public void open() {}

            @Override
            public void close() {}
        };

        void open();

        void close();
    }

    /** Command j of a run, and whether its outcome is waited for and timed. */
    record Commands(IntFunction<CancelCommand> command, IntPredicate timed) {}

    /** {@code workload}'s usual mix; its duplicates (no outcome) and EXECUTION_NOT_FOUND (after the grace) not timed. */
    static Percentiles offer(String bootstrapServers, Topics topics, Workload workload, int perSecond, int seconds)
            throws Exception {
        String prefix = "lat" + perSecond;
        Commands mix = new Commands(j -> workload.command(prefix, j), j -> {
            Workload.Kind kind = Workload.kind(j);
            return kind != Workload.Kind.DUPLICATE && kind != Workload.Kind.EXECUTION_NOT_FOUND;
        });
        return offer(bootstrapServers, topics, mix, perSecond, seconds, Window.NONE);
    }

    static Percentiles offer(
            String bootstrapServers, Topics topics, Commands commands, int perSecond, int seconds, Window window)
            throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        int count = perSecond * seconds;
        long[] latencies = new long[count];
        int[] received = {0};
        try (OutcomeWatcher watcher = new OutcomeWatcher(bootstrapServers, topics, (commandId, readable) -> {
                    Long at = sent.remove(commandId);
                    if (at != null) {
                        synchronized (latencies) {
                            latencies[received[0]++] = readable - at;
                        }
                    }
                });
                KafkaProducer<String, byte[]> producer = Workload.producer(bootstrapServers)) {
            window.open();
            long start = System.nanoTime();
            for (int j = 0; j < count; j++) {
                long due = start + j * 1_000_000_000L / perSecond;
                LockSupport.parkNanos(due - System.nanoTime());
                CancelCommand command = commands.command().apply(j);
                if (commands.timed().test(j)) {
                    sent.put(command.getCommandId(), System.nanoTime());
                }
                Workload.send(producer, topics.commands, command.getExecutionId(), command);
            }
            long drainUntil = System.nanoTime() + DRAIN_NANOS;
            while (!sent.isEmpty() && System.nanoTime() < drainUntil) {
                Thread.sleep(50);
            }
            window.close();
            synchronized (latencies) {
                return Percentiles.of(Arrays.copyOf(latencies, received[0]), sent.size());
            }
        }
    }

    /** In milliseconds; {@code missing} outcomes not readable within 30 s after the last send. */
    record Percentiles(int measured, int missing, double p50, double p99, double p999, double max) {

        static Percentiles of(long[] nanos, int missing) {
            Arrays.sort(nanos);
            return new Percentiles(
                    nanos.length, missing, at(nanos, 0.50), at(nanos, 0.99), at(nanos, 0.999), at(nanos, 1.0));
        }

        /** To a tenth of a millisecond, for figures whose difference is what is read. */
        String text() {
            return String.format(
                    "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (%,d measured, %d missing)",
                    p50, p99, p999, max, measured, missing);
        }

        private static double at(long[] sorted, double quantile) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }
}
