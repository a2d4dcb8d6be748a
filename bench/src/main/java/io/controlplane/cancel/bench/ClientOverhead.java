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
 *       producer and a read_committed consumer), but for the commands the client's part sends: FORCE
 *       cancels of fresh RUNNING runs by an admin. Section 3's mix has the EXECUTION_NOT_FOUND commands
 *       decided in bursts after their grace, which in quick runs raised its p99 by hundreds of ms over
 *       the client's calls whichever part went first: a difference of workloads, not of clients;
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
     * The k-th run cancelled (warm-up, plain part, client's part in turn), as an index of {@link
     * Workload#executionId}: nine in every ten, skipping the tenth, which {@link Workload} seeds COMPLETED.
     */
    static long freshRun(long k) {
        return (k / 9) * 10 + k % 9;
    }

    /** The figures; {@code started} is told of the processor JVM as soon as it has loaded the runs. */
    Figures measure(Consumer<ProcessorJvm> started) throws Exception {
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        TopicLayout.create(admin, config, Bench.PARTITIONS);
        Topics topics = new Topics(config);
        int commands = PER_SECOND * seconds;
        int warmUpCalls = PER_SECOND * warmUpSeconds;
        Workload workload = new Workload((int) freshRun(warmUpCalls + 2L * commands), commands, topics);
        workload.preloadRunStates(bootstrapServers);
        ProcessorJvm jvm = ProcessorThroughput.consumeAll(
                        admin, PREFIX, settings, workDir, List.of(topics.runStates.name()))
                .jvm();
        started.accept(jvm);
        try {
            try (CancelClient client = client()) {
                PacedCancels.Result warmUp = PacedCancels.offer(
                        client, PER_SECOND, warmUpSeconds, ClientOverhead::cancel, LatencyRun.Window.NONE, drain());
                System.out.printf(
                        "client warm-up (not measured): %s; %s%n",
                        warmUp.latencies().text(), warmUp.outcomes().text());
            }
            ThreadAllocations plainAllocated = new ThreadAllocations();
            LatencyRun.Commands cancels = new LatencyRun.Commands(
                    j -> workload.cancel("plain-" + j, Workload.executionId(freshRun(warmUpCalls + j)), Workload.ADMIN),
                    j -> true);
            LatencyRun.Percentiles plain =
                    LatencyRun.offer(bootstrapServers, topics, cancels, PER_SECOND, seconds, plainAllocated);
            ThreadAllocations clientAllocated = new ThreadAllocations();
            PacedCancels.Result measured;
            try (CancelClient client = client()) {
                measured = PacedCancels.offer(
                        client, PER_SECOND, seconds, k -> cancel(warmUpCalls + commands + k), clientAllocated, drain());
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

    /** What {@link Workload#cancel} sends, asked of the client: a FORCE cancel of fresh run k by the admin. */
    private static CancelRequest cancel(long k) {
        return CancelRequest.of(Workload.executionId(freshRun(k)), Workload.ADMIN)
                .withReason("benchmark");
    }
}
