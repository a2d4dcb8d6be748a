package io.controlplane.cancel.bench;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.testkit.RestSchemaRegistryServer;
import io.controlplane.cancel.topology.Topics;
import java.io.IOException;
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
import picocli.CommandLine;

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

    private final Table table = new Table(System.out);
    private final Plots plots;
    private final Path workDir;
    private final BrokerProcess broker;
    private final String bootstrapServers;
    private final Map<String, Object> deployed;
    private final Workload workload;
    private final Topics topics;
    private final BenchOptions options;
    private final List<ProcessorJvm> started = new ArrayList<>();
    /** The plain pipe's rate in this run (records/s): at_least_once is compared with it. */
    private double plainPipe = Double.NaN;
    /** The transactional pipe's rate in this run (records/s): exactly_once_v2 is compared with it. */
    private double transactionalPipe = Double.NaN;

    private Bench(Path workDir, BrokerProcess broker, String registryUrl, BenchOptions options) throws Exception {
        this.workDir = workDir;
        this.broker = broker;
        this.bootstrapServers = broker.bootstrapServers();
        this.options = options;
        plots = new Plots(String.format(
                "%,d runs + %,d commands, %d partitions", options.runs(), options.commands(), PARTITIONS));
        deployed = ProcessorJvm.deployedSettings();
        deployed.put("bootstrap.servers", bootstrapServers);
        deployed.put("schema.registry.url", registryUrl);
        // Streams' exactly_once_v2 default, set for at_least_once too (its default is 30 s) so that
        // both show their progress in committed offsets at the same pace
        deployed.put("commit.interval.ms", 100);
        // Two processor JVMs run at once in the failover run: neither needs the HTTP endpoints.
        deployed.put(CancelProcessorConfig.HTTP_PORT, 0);
        // e.g. BENCH_PROCESSOR_SETTINGS="num.stream.threads=2 producer.batch.size=65536" to try a setting
        String extra = System.getenv("BENCH_PROCESSOR_SETTINGS");
        if (extra != null && !extra.isBlank()) {
            for (String setting : extra.trim().split("\\s+")) {
                String[] keyValue = setting.split("=", 2);
                deployed.put(keyValue[0], keyValue[1]);
            }
            System.out.println("processor settings added: " + extra.trim());
        }
        topics = new Topics(new CancelProcessorConfig(deployed));
        workload = new Workload(options.runs(), options.commands(), topics);
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = new BenchOptions();
        CommandLine cli = new CommandLine(options);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            cli.usage(System.err);
            System.exit(2);
        }
        if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
            cli.usage(System.out);
            return;
        }
        Path workDir = Files.createTempDirectory("cancel-bench");
        System.out.printf(
                "cancel-processor benchmark: %,d runs, %,d commands, %d partitions, work dir %s%n",
                options.runs(), options.commands(), PARTITIONS, workDir);
        try (RestSchemaRegistryServer registry = RestSchemaRegistryServer.start();
                BrokerProcess broker = BrokerProcess.start(workDir, "1g")) {
            Bench bench = new Bench(workDir, broker, registry.url(), options);
            try {
                bench.run();
            } finally {
                bench.stopAll();
                bench.report();
            }
        }
        Utils.delete(workDir.toFile());
    }

    /** The table on stdout, its numbers as TSV, and the plots of whatever was measured. */
    private void report() throws IOException {
        table.print(System.out);
        table.writeTsv(options.results);
        System.out.println("figures as TSV: " + options.results);
        for (Path plot : plots.write(options.plots)) {
            System.out.println("plot: " + plot);
        }
    }

    private void run() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicLayout.create(admin, new CancelProcessorConfig(deployed), PARTITIONS);
            admin.createTopics(List.of(new NewTopic("bench-pipe-out", PARTITIONS, (short) 1)))
                    .all()
                    .get();
            if (options.includes(options.wholeJobOnly)) {
                ceilingAndProcessor(admin);
            }
            if (options.includes(options.deadLettersOnly)) {
                deadLetters(admin);
            }
            if (!options.narrowed()) {
                for (String guarantee : GUARANTEES) {
                    double ceiling = guarantee.equals("at_least_once") ? plainPipe : transactionalPipe;
                    commandsAlone(admin, guarantee, ceiling);
                }
            }
            if (options.includes(options.recordsPerDecisionOnly)) {
                recordsPerDecision(admin);
            }
            if (options.includes(options.clientOverheadOnly)) {
                clientOverhead(admin);
            }
            if (options.largeStatePhase()) {
                largeState(admin);
            }
        }
    }

    /** The preload, the pipe ceilings and the whole job under both guarantees. */
    private void ceilingAndProcessor(Admin admin) throws Exception {
        long loadStart = System.nanoTime();
        workload.preloadRunStates(bootstrapServers);
        workload.preloadCommands(bootstrapServers);
        table.add("load", "preload (one producer)", rate(workload.runs + workload.commands, loadStart), "");
        List<String> inputs = List.of(topics.runStates.name(), topics.commands.name());
        plainPipe = PipeCeiling.pipe(bootstrapServers, inputs, "bench-pipe-out", false);
        table.add("1 ceiling", "pipe, plain, commit every 100 ms", plainPipe, "");
        plots.throughput(Plots.PIPE, "at_least_once", plainPipe);
        transactionalPipe = PipeCeiling.pipe(bootstrapServers, inputs, "bench-pipe-out", true);
        table.add("1 ceiling", "pipe, transactional, commit every 100 ms", transactionalPipe, "");
        plots.throughput(Plots.PIPE, "exactly_once_v2", transactionalPipe);
        for (String guarantee : GUARANTEES) {
            double ceiling = guarantee.equals("at_least_once") ? plainPipe : transactionalPipe;
            wholeJob(admin, guarantee, inputs, ceiling);
        }
    }

    private Map<String, Object> settings(String applicationId, String guarantee) {
        Map<String, Object> settings = new HashMap<>(deployed);
        settings.put("application.id", applicationId);
        settings.put(GUARANTEE, guarantee);
        if (!guarantee.equals("exactly_once_v2")) {
            // measured beside exactly_once_v2 on purpose: the processor refuses it without the switch
            settings.put(CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE, true);
        }
        return settings;
    }

    private void wholeJob(Admin admin, String guarantee, List<String> inputs, double ceiling) throws Exception {
        ProcessorThroughput.Running whole = ProcessorThroughput.consumeAll(
                admin, "whole-" + guarantee, settings("bench-whole-" + guarantee, guarantee), workDir, inputs);
        started.add(whole.jvm());
        throughput("whole job", "input record", Plots.WHOLE_JOB, guarantee, whole, ceiling);
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
        throughput("commands alone", "command", Plots.COMMANDS_ALONE, guarantee, commands, ceiling);
        if (guarantee.equals("exactly_once_v2")) {
            latencies(own, commands.jvm());
            memoryThenStop("after latency", commands.jvm());
            restoreAndFailover(settings, own);
        } else {
            commands.jvm().stop();
        }
    }

    /**
     * Each dead-letter path alone: a processor (exactly_once_v2) reading nothing but records of one bad
     * kind from topics of its own, at the rate it dead-letters them.
     */
    private void deadLetters(Admin admin) throws Exception {
        HostileWorkload hostile = new HostileWorkload(topics);
        int count = options.deadLetters();
        int round = 0;
        for (HostileWorkload.Kind kind : List.of(
                hostile.undecodableCommands(),
                hostile.undecodableRunStates(),
                hostile.unknownSchemaIdCommands(),
                hostile.untrustworthyRunStates(),
                hostile.fuzzedCommands(count),
                hostile.fuzzedRunStates(count))) {
            String prefix = "bench-dead-" + round++;
            Map<String, Object> settings = settings(prefix, "exactly_once_v2");
            settings.put(CancelProcessorConfig.COMMANDS_TOPIC, prefix + ".commands");
            settings.put(CancelProcessorConfig.RUN_STATES_TOPIC, prefix + ".run-states");
            settings.put(CancelProcessorConfig.DLQ_TOPIC, prefix + ".dlq");
            CancelProcessorConfig config = new CancelProcessorConfig(settings);
            TopicLayout.create(admin, config, PARTITIONS);
            String input = kind.commands() ? config.commandsTopic() : config.runStatesTopic();
            HostileWorkload.preload(bootstrapServers, input, kind, count);
            ProcessorThroughput.Running running =
                    ProcessorThroughput.consumeAll(admin, prefix, settings, workDir, List.of(input));
            started.add(running.jvm());
            table.add(
                    "3 dead letters",
                    kind.name() + ", exactly_once_v2",
                    running.recordsPerSecond(),
                    String.format("%.1f µs CPU/record", running.cpuMicrosPerRecord()),
                    new Table.Measure("cpu_us_per_record", running.cpuMicrosPerRecord(), "us"));
            running.jvm().stop();
        }
    }

    /**
     * Issue 17: the records the processor writes per decision of each kind, in all its topics
     * (outputs, changelogs, repartition topics), counted read_committed by {@link RecordsPerDecision}.
     */
    private void recordsPerDecision(Admin admin) throws Exception {
        RecordsPerDecision counting = new RecordsPerDecision(
                bootstrapServers, admin, settings(RecordsPerDecision.PREFIX, "exactly_once_v2"), workDir);
        for (RecordsPerDecision.Cost cost : counting.measure(started::add)) {
            List<Table.Measure> measures = new ArrayList<>();
            measures.add(new Table.Measure("records per input", cost.perInput(), "records"));
            cost.perTopic().entrySet().stream()
                    .filter(written -> written.getValue() > 0)
                    .forEach(written -> measures.add(new Table.Measure(
                            "records to " + written.getKey(), written.getValue() / (double) cost.inputs(), "records")));
            table.addText(
                    "6 records",
                    "records produced per " + cost.figure() + ", exactly_once_v2",
                    cost.text(),
                    measures.toArray(Table.Measure[]::new));
        }
    }

    /**
     * Issue 20: the p99 of cancel() through the client at 5,000 calls/s against the processor's own
     * p99 at 5,000 commands/s, measured in turn against one processor ({@link ClientOverhead}), and
     * the bytes this JVM allocates per call against those per command of the plain clients.
     */
    private void clientOverhead(Admin admin) throws Exception {
        String section = "8 client";
        ClientOverhead.Figures figures = new ClientOverhead(
                        bootstrapServers,
                        admin,
                        settings(ClientOverhead.PREFIX, "exactly_once_v2"),
                        workDir,
                        options.clientOverheadSeconds(),
                        options.clientOverheadWarmUpSeconds())
                .measure(started::add);
        LatencyRun.Percentiles plain = figures.plain();
        table.addText(
                section,
                String.format(
                        "processor alone: %,d cancels of fresh runs/s, %d s, plain producer, read_committed consumer",
                        ClientOverhead.PER_SECOND, figures.seconds()),
                String.format(
                        "%s; %,.0f bytes allocated per command%s",
                        plain.text(), figures.bytesPerCommand(), lost(figures.plainAllocated())),
                withPercentiles(
                        plain,
                        "commands",
                        new Table.Measure("allocated per command", figures.bytesPerCommand(), "bytes"),
                        new Table.Measure(
                                "threads lost", figures.plainAllocated().threadsLost(), "threads")));
        PacedCancels.Result client = figures.client();
        CallOutcomes.Counts outcomes = client.outcomes();
        table.addText(
                section,
                String.format(
                        "cancel() through one CancelClient: %,d calls/s from %d threads, %d s, from the due time",
                        ClientOverhead.PER_SECOND, PacedCancels.CALLERS, figures.seconds()),
                String.format(
                        "%s; %s; callers' lag p99 %.1f ms; %,.0f bytes allocated per call%s",
                        client.latencies().text(),
                        outcomes.text(),
                        client.lag().p99(),
                        figures.bytesPerCall(),
                        lost(figures.clientAllocated())),
                withPercentiles(
                        client.latencies(),
                        "calls",
                        new Table.Measure("cancelled", outcomes.cancelled(), "calls"),
                        new Table.Measure("cancelling", outcomes.cancelling(), "calls"),
                        new Table.Measure("rejected", outcomes.rejected(), "calls"),
                        new Table.Measure("timed out", outcomes.timedOut(), "calls"),
                        new Table.Measure("failed", outcomes.failed(), "calls"),
                        new Table.Measure("callers' lag p99", client.lag().p99(), "ms"),
                        new Table.Measure("allocated per call", figures.bytesPerCall(), "bytes"),
                        new Table.Measure(
                                "threads lost", figures.clientAllocated().threadsLost(), "threads")));
        table.addText(
                section,
                "client overhead: cancel()'s p99 minus the processor's own, bound 10 ms",
                String.format(
                        "client overhead p99 = %.1f ms, bound 10 ms; allocations %.1f× the plain clients' per command",
                        figures.overheadP99(), figures.bytesPerCall() / figures.bytesPerCommand()),
                new Table.Measure("p99 overhead", figures.overheadP99(), "ms"),
                new Table.Measure("bound", 10, "ms"),
                new Table.Measure(
                        "allocated per call / per plain command",
                        figures.bytesPerCall() / figures.bytesPerCommand(),
                        "×"));
    }

    /** The threads whose bytes a figure misses (they ended inside its window), by name. */
    private static String lost(ThreadAllocations.Allocated allocated) {
        return allocated.lost().isEmpty()
                ? " (no thread lost)"
                : String.format(" (%d threads lost: %s)", allocated.threadsLost(), String.join(", ", allocated.lost()));
    }

    private static Table.Measure[] withPercentiles(LatencyRun.Percentiles p, String unit, Table.Measure... more) {
        List<Table.Measure> measures = new ArrayList<>(List.of(
                new Table.Measure("p50", p.p50(), "ms"),
                new Table.Measure("p99", p.p99(), "ms"),
                new Table.Measure("p99.9", p.p999(), "ms"),
                new Table.Measure("max", p.max(), "ms"),
                new Table.Measure("measured", p.measured(), unit),
                new Table.Measure("missing", p.missing(), unit)));
        measures.addAll(List.of(more));
        return measures.toArray(Table.Measure[]::new);
    }

    /**
     * Issue 17: a processor (exactly_once_v2, topics of its own) loading N runs into an empty state,
     * then deciding N/10 commands against them; its memory, its state on disk and its changelogs on
     * the broker per million runs; then a fresh instance restoring all of it from the changelogs.
     */
    private void largeState(Admin admin) throws Exception {
        String section = "7 large state";
        String prefix = "bench-large";
        int runs = options.largeStateRuns();
        int commands = Math.max(1, runs / 10);
        double millions = runs / 1e6;
        Map<String, Object> settings = RecordsPerDecision.ownTopics(settings(prefix, "exactly_once_v2"), prefix);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        TopicLayout.create(admin, config, PARTITIONS);
        Topics own = new Topics(config);
        Workload large = new Workload(runs, commands, own);
        long loadStart = System.nanoTime();
        large.preloadRunStates(bootstrapServers);
        table.add(section, String.format("preload of %,d run states (one producer)", runs), rate(runs, loadStart), "");

        ProcessorThroughput.Running loaded =
                ProcessorThroughput.consumeAll(admin, prefix, settings, workDir, List.of(own.runStates.name()));
        started.add(loaded.jvm());
        largeThroughput(section, String.format("%,d run states into an empty state", runs), "run state", loaded);
        largeMemoryAndDisk(section, String.format("after %,d runs", runs), loaded.jvm(), prefix, millions);

        large.preloadCommands(bootstrapServers);
        ProcessorThroughput.Running decided =
                ProcessorThroughput.consumeAll(admin, prefix, settings, workDir, List.of(own.commands.name()));
        started.add(decided.jvm());
        largeThroughput(section, String.format("%,d commands against %,d runs", commands, runs), "command", decided);
        largeMemoryAndDisk(
                section,
                String.format("after %,d runs + %,d commands", runs, commands),
                decided.jvm(),
                prefix,
                millions);

        ProcessorJvm[] fresh = new ProcessorJvm[1];
        double restore = new RestoreAndFailover(bootstrapServers, own, PARTITIONS)
                .restore(settings, workDir, prefix + "-restore", fresh);
        started.add(fresh[0]);
        long rss = fresh[0].peakRss();
        double cpu = Jvm.cpuTime(fresh[0].pid()).toNanos() / 1e9;
        fresh[0].stop();
        long restored = fresh[0].stateSize();
        table.addText(
                section,
                String.format(
                        "restore of %,d runs + %,d commands, fresh instance, empty state dir, -Xmx%s",
                        runs, commands, ProcessorJvm.HEAP),
                String.format(
                        "%.1f s to a decision on every partition (%.1f s per million runs), %.1f s CPU, peak RSS %s,"
                                + " state dir then %s",
                        restore, restore / millions, cpu, mb(rss), mb(restored)),
                new Table.Measure("time", restore, "s"),
                new Table.Measure("time per million runs", restore / millions, "s"),
                new Table.Measure("cpu", cpu, "s"),
                bytes("peak RSS", rss),
                bytes("state on disk", restored));
    }

    private void largeThroughput(String section, String figure, String perWhat, ProcessorThroughput.Running running) {
        table.add(
                section,
                figure + ", exactly_once_v2",
                running.recordsPerSecond(),
                String.format(
                        "%.1f µs CPU per %s (%,d records in %.1f s)",
                        running.cpuMicrosPerRecord(), perWhat, running.records(), running.seconds()),
                new Table.Measure("cpu_us_per_record", running.cpuMicrosPerRecord(), "us"),
                new Table.Measure("records", running.records(), "records"),
                new Table.Measure("time", running.seconds(), "s"));
    }

    /**
     * Heap and RSS while it runs; once stopped (RocksDB's memtables flushed), its state dir, and the
     * record data of its changelog topics (found by the application id as prefix) on the broker.
     */
    private void largeMemoryAndDisk(String section, String when, ProcessorJvm jvm, String prefix, double millions)
            throws Exception {
        long heap = jvm.peakHeap();
        long rss = jvm.peakRss();
        jvm.stop();
        long state = jvm.stateSize();
        long changelogs = broker.logBytes(topic -> topic.startsWith(prefix + "-") && topic.endsWith("-changelog"));
        long input = broker.logBytes(topic -> topic.startsWith(prefix + ".") && topic.endsWith("run-states"));
        table.addText(
                section,
                when + ", exactly_once_v2, -Xmx" + ProcessorJvm.HEAP,
                String.format(
                        "peak heap %s, peak RSS %s; state dir %s = %s per million runs, changelogs %s = %s per"
                                + " million runs (run-states topic %s)",
                        mb(heap),
                        mb(rss),
                        mb(state),
                        mb(perMillion(state, millions)),
                        mb(changelogs),
                        mb(perMillion(changelogs, millions)),
                        mb(input)),
                bytes("peak heap", heap),
                bytes("peak RSS", rss),
                bytes("state on disk", state),
                bytes("state on disk per million runs", perMillion(state, millions)),
                bytes("changelogs", changelogs),
                bytes("changelogs per million runs", perMillion(changelogs, millions)),
                bytes("run-states topic", input));
    }

    private static long perMillion(long bytes, double millions) {
        return bytes < 0 ? bytes : Math.round(bytes / millions);
    }

    /**
     * A processor's rate, in the table beside its ratio to the pipe of the same guarantee measured in
     * this run and its CPU per input record (also in the TSV), and on the throughput plot.
     */
    private void throughput(
            String figure,
            String perWhat,
            String plotBar,
            String guarantee,
            ProcessorThroughput.Running running,
            double ceiling) {
        String pipe = guarantee.equals("at_least_once") ? "plain" : "transactional";
        table.add(
                "2 processor",
                figure + ", " + guarantee,
                running.recordsPerSecond(),
                String.format(
                        "%.2f× the %s pipe of this run (%,d records in %.1f s, %.1f µs CPU per %s)",
                        running.recordsPerSecond() / ceiling,
                        pipe,
                        running.records(),
                        running.seconds(),
                        running.cpuMicrosPerRecord(),
                        perWhat),
                new Table.Measure("ratio to the pipe", running.recordsPerSecond() / ceiling, "×"),
                new Table.Measure(pipe + " pipe", ceiling, "records/s"),
                new Table.Measure("cpu_us_per_record", running.cpuMicrosPerRecord(), "us"),
                new Table.Measure("records", running.records(), "records"),
                new Table.Measure("time", running.seconds(), "s"));
        plots.throughput(plotBar, guarantee, running.recordsPerSecond());
    }

    private void latencies(Topics own, ProcessorJvm jvm) throws Exception {
        Workload offered = new Workload(workload.runs, workload.commands, own);
        for (int perSecond : OFFERED_LOADS) {
            LatencyRun.Percentiles p =
                    LatencyRun.offer(bootstrapServers, own, offered, perSecond, options.latencySeconds());
            table.addText(
                    "3 latency",
                    String.format("%,d commands/s offered, exactly_once_v2", perSecond),
                    String.format(
                            "p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms (%,d measured, %d missing)",
                            p.p50(), p.p99(), p.p999(), p.max(), p.measured(), p.missing()),
                    new Table.Measure("p50", p.p50(), "ms"),
                    new Table.Measure("p99", p.p99(), "ms"),
                    new Table.Measure("p99.9", p.p999(), "ms"),
                    new Table.Measure("max", p.max(), "ms"),
                    new Table.Measure("measured", p.measured(), "commands"),
                    new Table.Measure("missing", p.missing(), "commands"));
            plots.latency(perSecond, p);
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
        long disk = jvm.stateSize();
        table.addText(
                "4 memory",
                when + ", exactly_once_v2, -Xmx" + ProcessorJvm.HEAP,
                String.format("peak heap %s, peak RSS %s, state on disk %s", mb(heap), mb(rss), mb(disk)),
                bytes("peak heap", heap),
                bytes("peak RSS", rss),
                bytes("state on disk", disk));
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
                String.format("%.1f s", restore),
                new Table.Measure("time", restore, "s"));
        ProcessorJvm second = ProcessorJvm.launch("standby", standby, workDir);
        started.add(second);
        awaitCaughtUp(second, fresh[0], own);
        double failover = measure.failover(fresh[0], second);
        table.addText(
                "5 failover",
                "SIGKILL of one of two instances (num.standby.replicas=1) to a decision on every partition",
                String.format("%.1f s", failover),
                new Table.Measure("time", failover, "s"));
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

    /** NaN where the figure could not be read (as "n/a" in the table). */
    private static Table.Measure bytes(String name, long bytes) {
        return new Table.Measure(name, bytes < 0 ? Double.NaN : bytes, "bytes");
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%,.1f MB", bytes / (1024.0 * 1024));
    }
}
