package io.controlplane.cancel.bench;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.testkit.RestSchemaRegistryServer;
import io.controlplane.cancel.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Utils;

/**
 * The benchmark of issue 10 in one run: a broker process, the pipe ceiling, the processor JVM under
 * both guarantees, latency at fixed offered loads, memory and disk, restore and failover. Prints
 * each figure as it is measured, then all of them as one table.
 */
public final class Bench {

    static final int PARTITIONS = 3;
    private static final String GUARANTEE = "processing.guarantee";
    private static final List<String> GUARANTEES = List.of("exactly_once_v2", "at_least_once");
    private static final int[] OFFERED_LOADS = {1_000, 5_000, 10_000, 20_000};

    private final Table table = new Table();
    private final Path workDir;
    private final String bootstrapServers;
    private final Map<String, Object> deployed;
    private final Workload workload;
    private final Topics topics;
    private final int latencySeconds;
    private final List<ProcessorJvm> started = new ArrayList<>();

    private Bench(Path workDir, String bootstrapServers, String registryUrl, int runs, int commands, int latencySeconds)
            throws Exception {
        this.workDir = workDir;
        this.bootstrapServers = bootstrapServers;
        this.latencySeconds = latencySeconds;
        deployed = ProcessorJvm.deployedSettings();
        deployed.put("bootstrap.servers", bootstrapServers);
        deployed.put("schema.registry.url", registryUrl);
        // Streams' exactly_once_v2 default, set for at_least_once too (its default is 30 s) so that
        // both show their progress in committed offsets at the same pace
        deployed.put("commit.interval.ms", 100);
        // Two processor JVMs run at once in the failover run: neither needs the HTTP endpoints.
        deployed.put(CancelProcessorConfig.HTTP_PORT, 0);
        topics = new Topics(new CancelProcessorConfig(deployed));
        workload = new Workload(runs, commands, topics);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int runs = quick ? 50_000 : 1_000_000;
        int commands = quick ? 50_000 : 1_000_000;
        int latencySeconds = quick ? 5 : 20;
        Path workDir = Files.createTempDirectory("cancel-bench");
        System.out.printf(
                "cancel-processor benchmark: %,d runs, %,d commands, %d partitions, work dir %s%n",
                runs, commands, PARTITIONS, workDir);
        try (RestSchemaRegistryServer registry = RestSchemaRegistryServer.start();
                BrokerProcess broker = BrokerProcess.start(workDir, "1g")) {
            Bench bench = new Bench(workDir, broker.bootstrapServers(), registry.url(), runs, commands, latencySeconds);
            try {
                bench.run();
            } finally {
                bench.stopAll();
                bench.table.print(System.out);
            }
        }
        Utils.delete(workDir.toFile());
    }

    private void run() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicLayout.create(admin, new CancelProcessorConfig(deployed), PARTITIONS);
            admin.createTopics(List.of(new NewTopic("bench-pipe-out", PARTITIONS, (short) 1)))
                    .all()
                    .get();
            long loadStart = System.nanoTime();
            workload.preloadRunStates(bootstrapServers);
            workload.preloadCommands(bootstrapServers);
            table.add("load", "preload (one producer)", rate(workload.runs + workload.commands, loadStart), "");
            List<String> inputs = List.of(topics.runStates.name(), topics.commands.name());
            double plain = PipeCeiling.pipe(bootstrapServers, inputs, "bench-pipe-out", false);
            table.add("1 ceiling", "pipe, plain, commit every 100 ms", plain, "");
            double transactional = PipeCeiling.pipe(bootstrapServers, inputs, "bench-pipe-out", true);
            table.add("1 ceiling", "pipe, transactional, commit every 100 ms", transactional, "");
            for (String guarantee : GUARANTEES) {
                double ceiling = guarantee.equals("at_least_once") ? plain : transactional;
                wholeJob(admin, guarantee, inputs, ceiling);
            }
            for (String guarantee : GUARANTEES) {
                double ceiling = guarantee.equals("at_least_once") ? plain : transactional;
                commandsAlone(admin, guarantee, ceiling);
            }
        }
    }

    private Map<String, Object> settings(String applicationId, String guarantee) {
        Map<String, Object> settings = new HashMap<>(deployed);
        settings.put("application.id", applicationId);
        settings.put(GUARANTEE, guarantee);
        return settings;
    }

    private void wholeJob(Admin admin, String guarantee, List<String> inputs, double ceiling) throws Exception {
        ProcessorThroughput.Running whole = ProcessorThroughput.consumeAll(
                admin, "whole-" + guarantee, settings("bench-whole-" + guarantee, guarantee), workDir, inputs);
        started.add(whole.jvm());
        table.add("2 processor", "whole job, " + guarantee, whole.recordsPerSecond(), ratio(whole, ceiling));
        if (guarantee.equals("exactly_once_v2")) {
            memoryThenStop("whole job", whole.jvm());
        } else {
            whole.jvm().stop();
        }
    }

    /**
     * Run states first (the processor then stops), then the commands written to a topic of their
     * own while it is down, so that it reads nothing but commands against full stores.
     */
    private void commandsAlone(Admin admin, String guarantee, double ceiling) throws Exception {
        Map<String, Object> settings = settings("bench-commands-" + guarantee, guarantee);
        settings.put(CancelProcessorConfig.COMMANDS_TOPIC, "bench-commands-" + guarantee);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        TopicLayout.create(admin, config, PARTITIONS);
        Topics own = new Topics(config);
        String name = "commands-" + guarantee;
        ProcessorThroughput.Running loaded =
                ProcessorThroughput.consumeAll(admin, name, settings, workDir, List.of(topics.runStates.name()));
        started.add(loaded.jvm());
        loaded.jvm().stop();
        new Workload(workload.runs, workload.commands, own).preloadCommands(bootstrapServers);
        ProcessorThroughput.Running commands =
                ProcessorThroughput.consumeAll(admin, name, settings, workDir, List.of(own.commands.name()));
        started.add(commands.jvm());
        table.add("2 processor", "commands alone, " + guarantee, commands.recordsPerSecond(), ratio(commands, ceiling));
        if (guarantee.equals("exactly_once_v2")) {
            latencies(own, commands.jvm());
            memoryThenStop("after latency", commands.jvm());
            restoreAndFailover(settings, own);
        } else {
            commands.jvm().stop();
        }
    }

    private void latencies(Topics own, ProcessorJvm jvm) throws Exception {
        Workload offered = new Workload(workload.runs, workload.commands, own);
        for (int perSecond : OFFERED_LOADS) {
            LatencyRun.Percentiles p = LatencyRun.offer(bootstrapServers, own, offered, perSecond, latencySeconds);
            table.addText(
                    "3 latency",
                    String.format("%,d commands/s offered, exactly_once_v2", perSecond),
                    String.format(
                            "p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms (%,d measured, %d missing)",
                            p.p50(), p.p99(), p.p999(), p.max(), p.measured(), p.missing()));
            if (!jvm.isAlive()) {
                throw new IllegalStateException("the processor died during the latency runs: see " + jvm.log());
            }
        }
    }

    /** Heap and RSS while it runs; the state on disk once stopped, when RocksDB has flushed its memtables. */
    private void memoryThenStop(String when, ProcessorJvm jvm) throws Exception {
        long heap = jvm.peakHeap();
        long rss = jvm.peakRss();
        jvm.stop();
        table.addText(
                "4 memory",
                when + ", exactly_once_v2, -Xmx" + ProcessorJvm.HEAP,
                String.format("peak heap %s, peak RSS %s, state on disk %s", mb(heap), mb(rss), mb(jvm.stateSize())));
    }

    private void restoreAndFailover(Map<String, Object> settings, Topics own) throws Exception {
        Map<String, Object> standby = new HashMap<>(settings);
        standby.put("num.standby.replicas", 1);
        RestoreAndFailover measure = new RestoreAndFailover(bootstrapServers, own, PARTITIONS);
        ProcessorJvm[] fresh = new ProcessorJvm[1];
        double restore = measure.restore(standby, workDir, "restore", fresh);
        started.add(fresh[0]);
        table.addText(
                "5 restore",
                "fresh instance, empty state dir, launch to a decision on every partition",
                String.format("%.1f s", restore));
        ProcessorJvm second = ProcessorJvm.launch("standby", standby, workDir);
        started.add(second);
        awaitCaughtUp(second, fresh[0], own);
        double failover = measure.failover(fresh[0], second);
        table.addText(
                "5 failover",
                "SIGKILL of one of two instances (num.standby.replicas=1) to a decision on every partition",
                String.format("%.1f s", failover));
        second.stop();
    }

    /** Until the second instance holds as much state as the first (its tasks and standbys), and decides. */
    private void awaitCaughtUp(ProcessorJvm second, ProcessorJvm first, Topics own) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (second.stateSize() < 0.9 * first.stateSize()) {
            if (System.nanoTime() > deadline || !second.isAlive()) {
                throw new IllegalStateException("the second instance never caught up: see " + second.log());
            }
            Thread.sleep(200);
        }
        new RestoreAndFailover(bootstrapServers, own, PARTITIONS).secondsUntilDecided(System.nanoTime(), second);
    }

    private void stopAll() throws InterruptedException {
        for (ProcessorJvm jvm : started) {
            if (jvm.isAlive()) {
                jvm.kill();
            }
        }
    }

    private static double rate(long records, long startNanos) {
        return records / ((System.nanoTime() - startNanos) / 1e9);
    }

    private static String ratio(ProcessorThroughput.Running running, double ceiling) {
        return String.format(
                "%.2f× the pipe (%,d records in %.1f s)",
                running.recordsPerSecond() / ceiling, running.records(), running.seconds());
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%,.1f MB", bytes / (1024.0 * 1024));
    }
}
