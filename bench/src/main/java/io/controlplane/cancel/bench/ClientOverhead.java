package io.controlplane.cancel.bench;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.client.CancelClient;
import io.controlplane.cancel.client.CancelClientConfig;
import io.controlplane.cancel.client.CancelRequest;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;

/**
 * Issue 20: what the client library adds to the processor's own latency. One processor (as deployed,
 * exactly_once_v2, topics of its own) holding enough RUNNING runs; against it, in turn:
 *
 * <ol>
 *   <li>a warm-up through a client (not measured), so that neither part pays for the JIT: the
 *       processor's command path and the client's code in this JVM are compiled before either;
 *   <li>the processor's own latency, as section 3 measures it ({@link LatencyRun}: Kafka's plain
 *       producer and a read_committed consumer, the usual mix of commands);
 *   <li>cancel() calls at the same rate for the same time through one new {@link CancelClient}, each
 *       a fresh RUNNING run, timed from its due time to its stage's completion ({@link PacedCancels}).
 * </ol>
 *
 * The bytes every thread of this JVM allocates are counted over both measured parts, per command and
 * per call, so that the client's figure reads against the plain clients' measured the same way.
 */
final class ClientOverhead {

    static final String PREFIX = "bench-client";
    static final int PER_SECOND = 5_000;

    /** The plain clients' part and the client's, and what each allocated. */
    record Figures(
            int seconds,
            int commands,
            LatencyRun.Percentiles plain,
            ThreadAllocations.Allocated plainAllocated,
            PacedCancels.Result client,
            ThreadAllocations.Allocated clientAllocated) {

        double overheadP99() {
            return client.latencies().p99() - plain.p99();
        }

        double bytesPerCommand() {
            return plainAllocated.perCall(commands);
        }

        double bytesPerCall() {
            return clientAllocated.perCall(client.calls());
        }
    }

    private final String bootstrapServers;
    private final Admin admin;
    private final Map<String, Object> settings;
    private final Path workDir;
    private final int seconds;
    private final int warmUpSeconds;

    /** @param settings the processor's, application.id and processing.guarantee included; the topics are set here */
    ClientOverhead(
            String bootstrapServers,
            Admin admin,
            Map<String, Object> settings,
            Path workDir,
            int seconds,
            int warmUpSeconds) {
        this.bootstrapServers = bootstrapServers;
        this.admin = admin;
        this.settings = RecordsPerDecision.ownTopics(settings, PREFIX);
        this.workDir = workDir;
        this.seconds = seconds;
        this.warmUpSeconds = warmUpSeconds;
    }

    /**
     * The runs cancelled through the client, the k-th being {@code executionId(freshRun(first, k))}:
     * nine in every ten indexes from {@code first} (a multiple of ten) on, skipping the tenth, which
     * {@link Workload} seeds COMPLETED.
     */
    static long freshRun(long first, long k) {
        return first + (k / 9) * 10 + k % 9;
    }

    /**
     * The first run the client's calls cancel: past every run the plain part's {@code commands}
     * commands name (below 0.8 × commands, from a block of 20 on), rounded up to a multiple of ten.
     */
    static long firstFreshRun(int commands) {
        return (commands + 9) / 10 * 10L;
    }

    /** Runs seeded: those of the plain part, then a fresh one per call of the warm-up and of the client's part. */
    static int runsSeeded(int commands, int calls) {
        return (int) freshRun(firstFreshRun(commands), calls);
    }

    /** The figures; {@code started} is told of the processor JVM as soon as it has loaded the runs. */
    Figures measure(Consumer<ProcessorJvm> started) throws Exception {
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        TopicLayout.create(admin, config, Bench.PARTITIONS);
        Topics topics = new Topics(config);
        int commands = PER_SECOND * seconds;
        int warmUpCalls = PER_SECOND * warmUpSeconds;
        long firstFresh = firstFreshRun(commands);
        Workload workload = new Workload(runsSeeded(commands, warmUpCalls + commands), commands, topics);
        workload.preloadRunStates(bootstrapServers);
        ProcessorJvm jvm = ProcessorThroughput.consumeAll(
                        admin, PREFIX, settings, workDir, List.of(topics.runStates.name()))
                .jvm();
        started.accept(jvm);
        try {
            try (CancelClient client = client()) {
                PacedCancels.Result warmUp = PacedCancels.offer(
                        client, PER_SECOND, warmUpSeconds, k -> cancel(firstFresh, k), LatencyRun.Window.NONE, drain());
                System.out.printf(
                        "client warm-up (not measured): %s; %s%n",
                        warmUp.latencies().text(), warmUp.outcomes().text());
            }
            ThreadAllocations plainAllocated = new ThreadAllocations();
            LatencyRun.Percentiles plain =
                    LatencyRun.offer(bootstrapServers, topics, workload, PER_SECOND, seconds, plainAllocated);
            // the plain part's EXECUTION_NOT_FOUND commands are decided only after the grace: let them
            // out before the client's part, so that it has the processor to itself as the plain part had
            Thread.sleep(config.notFoundGrace().plusSeconds(2).toMillis());
            ThreadAllocations clientAllocated = new ThreadAllocations();
            PacedCancels.Result measured;
            try (CancelClient client = client()) {
                measured = PacedCancels.offer(
                        client,
                        PER_SECOND,
                        seconds,
                        k -> cancel(firstFresh, warmUpCalls + k),
                        clientAllocated,
                        drain());
            }
            if (!jvm.isAlive()) {
                throw new IllegalStateException("the processor died during the client's overhead: see " + jvm.log());
            }
            return new Figures(
                    seconds, commands, plain, plainAllocated.allocated(), measured, clientAllocated.allocated());
        } finally {
            jvm.stop();
        }
    }

    /** A client as a service would make it: the processor's settings, the client's own left at their defaults. */
    private CancelClient client() {
        return CancelClient.create(new CancelClientConfig(settings));
    }

    /** Past the last call, as long as a call can wait for its outcome before the client ends it TimedOut. */
    private Duration drain() {
        return Duration.ofMillis(new CancelClientConfig(settings).timeoutMs()).plusSeconds(5);
    }

    private static CancelRequest cancel(long firstFresh, long k) {
        return CancelRequest.of(Workload.executionId(freshRun(firstFresh, k)), Workload.ADMIN)
                .withReason("benchmark");
    }
}
