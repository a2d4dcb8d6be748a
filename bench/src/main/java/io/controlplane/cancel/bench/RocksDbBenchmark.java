package io.controlplane.cancel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Point lookups and writes on Kafka Streams RocksDB stores holding {@link #entries} runs
 * ({@link RunStoreData}): a get of a key the store does not hold (most of the processor's gets: a
 * run never seen, a command for a run not seen yet), a get of one it holds, and a put (half of them
 * new keys, half overwrites). Keys are random over the whole store, so most reads go past the 50 MB
 * block cache to the OS's page cache (each trial first reads both stores' files into it), as with a
 * store much larger than its cache; each store's memtable holds recent writes, as a working store's does.
 *
 * <p>A/B, interleaved: each trial opens two stores with the same data, one with Kafka Streams'
 * defaults and one with the {@link RocksDbCandidate} of {@link #settings}, and every operation is
 * done on both, in turn first on one then on the other, each timed on its own. On a shared machine
 * the load moves between trials by far more than the settings differ, but two operations a few
 * microseconds apart see the same machine: their ratio is what this reports ({@link RocksDbRatios},
 * from {@value #PAIRS_FILE}); a pair in which either operation lost the CPU is left out. JMH's own
 * score is pairs of operations per second. The {@code
 * kafkaStreamsDefaults} row compares the defaults with themselves: how far apart two identical
 * stores come out is the noise.
 *
 * <p>Each candidate's store is loaded once per run ({@value #DIR_PROPERTY}, set by {@code bench/run
 * jmh}), through the store's own {@code putAll}, flushed and left until RocksDB's compactions have
 * settled; each trial opens copies. Loading also gives the write side's figures, printed and appended
 * to {@value #FOOTPRINT_FILE} there: the CPU a million entries cost to load (the writing thread, and
 * RocksDB's flushes and compactions in the background), the store's shape and bytes on disk once
 * settled, its filter and index memory, and the bytes on disk after a full compaction.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RocksDbBenchmark {

    /** Where the loaded stores are kept for the trials of one run; a temporary directory if unset. */
    static final String DIR_PROPERTY = "cancel.bench.rocksdb.dir";

    static final String FOOTPRINT_FILE = "footprint.tsv";

    /**
     * Per measured iteration: settings, operation, pairs timed, nanoseconds on the defaults, on the
     * candidate, and pairs left out (either operation took over {@link #PREEMPTED_NANOS}).
     */
    static final String PAIRS_FILE = "pairs.tsv";

    /**
     * An operation this long was almost surely descheduled (the machine is shared): its pair is left
     * out, so that a time slice lost by one store is not charged to it. No get of an in-memory store
     * comes near it; a put might, if RocksDB stalled writes, which the count of pairs left out shows.
     */
    static final long PREEMPTED_NANOS = 1_000_000;

    private static final int BATCH = 10_000;
    private static final int KEYS = 1 << 17;
    private static final int MASK = KEYS - 1;
    /** Recent writes in the memtable when a trial starts: ~12 MB, under the 16 MB that makes it flush. */
    private static final int RECENT = 40_000;

    @Param({
        "kafkaStreamsDefaults",
        "bottomLevelFilters",
        "memtableBloom",
        "blockHashIndex",
        "blockSize16k",
        "partitionedFilters",
        "levelCompaction",
        "lz4BottomLevel",
        "zstdBottomLevel",
        "shipped"
    })
    public String settings;

    @Param("1000000")
    public long entries;

    private Path root;
    private Path trialDir;
    private KafkaStreamsRocksDbStore baselineOpened;
    private KafkaStreamsRocksDbStore candidateOpened;
    private KeyValueStore<Bytes, byte[]> baseline;
    private KeyValueStore<Bytes, byte[]> candidate;
    private final Bytes[] present = new Bytes[KEYS];
    private final Bytes[] missing = new Bytes[KEYS];
    private final Bytes[] written = new Bytes[KEYS];
    private final byte[][] values = new byte[KEYS][];
    private long next;
    private long pairs;
    private long baselineNanos;
    private long candidateNanos;
    private long leftOut;

    @Setup(Level.Trial)
    public void open() throws Exception {
        root = root();
        trialDir = Files.createTempDirectory(root, settings + "-trial-");
        baselineOpened = openCopy(RocksDbCandidate.kafkaStreamsDefaults, "a");
        candidateOpened = openCopy(RocksDbCandidate.valueOf(settings), "b");
        baseline = baselineOpened.store();
        candidate = candidateOpened.store();
        // both in the page cache, not only the defaults' store that every trial reads
        KafkaStreamsRocksDbStore.readAll(trialDir);
        SplittableRandom random = new SplittableRandom(42);
        RunStoreData data = new RunStoreData();
        for (int i = 0; i < KEYS; i++) {
            present[i] = RunStoreData.key(random.nextLong(entries));
            missing[i] = RunStoreData.key(entries + random.nextLong(entries));
            long w = random.nextLong(2 * entries);
            written[i] = RunStoreData.key(w);
            values[i] = data.value(w);
        }
        for (long i = 3 * entries; i < 3 * entries + RECENT; i++) {
            byte[] value = data.value(i);
            baseline.put(RunStoreData.key(i), value);
            candidate.put(RunStoreData.key(i), value);
        }
        for (KeyValueStore<Bytes, byte[]> store : List.of(baseline, candidate)) {
            if (store.get(present[0]) == null || store.get(missing[0]) != null) {
                throw new IllegalStateException("a loaded store does not hold what it should");
            }
        }
    }

    private KafkaStreamsRocksDbStore openCopy(RocksDbCandidate candidate, String as) throws Exception {
        Path template = root.resolve(candidate + "-" + entries);
        if (!Files.exists(template.resolve("loaded"))) {
            load(candidate, template, root.resolve(FOOTPRINT_FILE));
        }
        Path copy = trialDir.resolve(as);
        KafkaStreamsRocksDbStore.copy(template, copy);
        return KafkaStreamsRocksDbStore.open(copy, candidate.settings());
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        pairs = 0;
        baselineNanos = 0;
        candidateNanos = 0;
        leftOut = 0;
    }

    @TearDown(Level.Iteration)
    public void endIteration(BenchmarkParams benchmark, IterationParams iteration) throws IOException {
        if (iteration.getType() == IterationType.MEASUREMENT) {
            String operation =
                    benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
            Files.writeString(
                    root.resolve(PAIRS_FILE),
                    String.join(
                                    "\t",
                                    settings,
                                    operation,
                                    Long.toString(pairs),
                                    Long.toString(baselineNanos),
                                    Long.toString(candidateNanos),
                                    Long.toString(leftOut))
                            + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        baselineOpened.close();
        candidateOpened.close();
        KafkaStreamsRocksDbStore.delete(trialDir);
    }

    @Benchmark
    public void getMissing(Blackhole blackhole) {
        int i = (int) (next & MASK);
        pair(blackhole, missing[i], null);
    }

    @Benchmark
    public void getPresent(Blackhole blackhole) {
        int i = (int) (next & MASK);
        pair(blackhole, present[i], null);
    }

    @Benchmark
    public void put(Blackhole blackhole) {
        int i = (int) (next & MASK);
        pair(blackhole, written[i], values[i]);
    }

    /** The operation on both stores, the defaults first every other time, each timed. */
    private void pair(Blackhole blackhole, Bytes key, byte[] value) {
        boolean baselineFirst = (next++ & 1) == 0;
        long start = System.nanoTime();
        blackhole.consume(operate(baselineFirst ? baseline : candidate, key, value));
        long between = System.nanoTime();
        blackhole.consume(operate(baselineFirst ? candidate : baseline, key, value));
        long end = System.nanoTime();
        if (between - start > PREEMPTED_NANOS || end - between > PREEMPTED_NANOS) {
            leftOut++;
            return;
        }
        baselineNanos += baselineFirst ? between - start : end - between;
        candidateNanos += baselineFirst ? end - between : between - start;
        pairs++;
    }

    private static byte[] operate(KeyValueStore<Bytes, byte[]> store, Bytes key, byte[] value) {
        if (value == null) {
            return store.get(key);
        }
        store.put(key, value);
        return null;
    }

    private static Path root() throws IOException {
        String dir = System.getProperty(DIR_PROPERTY);
        Path root = dir == null ? Files.createTempDirectory("rocksdb-bench") : Path.of(dir);
        return Files.createDirectories(root);
    }

    /** Loads {@code entries} runs into a new store at {@code template}, and records what it cost. */
    private void load(RocksDbCandidate candidate, Path template, Path footprint) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Path building = template.resolveSibling(template.getFileName() + ".loading");
        KafkaStreamsRocksDbStore.delete(building);
        RunStoreData data = new RunStoreData();
        long valueBytes = 0;
        long generating = 0;
        long putting = 0;
        long startCpu = processCpuNanos();
        long startWall = System.nanoTime();
        String settled;
        long settledBytes;
        long filtersAndIndexes;
        try (KafkaStreamsRocksDbStore loading = KafkaStreamsRocksDbStore.open(building, candidate.settings())) {
            List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(BATCH);
            for (long from = 0; from < entries; from += BATCH) {
                long before = threads.getCurrentThreadCpuTime();
                batch.clear();
                for (long i = from; i < Math.min(from + BATCH, entries); i++) {
                    byte[] value = data.value(i);
                    valueBytes += value.length;
                    batch.add(KeyValue.pair(RunStoreData.key(i), value));
                }
                long generated = threads.getCurrentThreadCpuTime();
                loading.store().putAll(batch);
                generating += generated - before;
                putting += threads.getCurrentThreadCpuTime() - generated;
            }
            loading.flush();
            loading.awaitBackgroundWork();
            settled = loading.shape();
            settledBytes = loading.longProperty("rocksdb.live-sst-files-size");
            filtersAndIndexes = loading.longProperty("rocksdb.estimate-table-readers-mem");
        }
        double loadWall = (System.nanoTime() - startWall) / 1e9;
        long background = processCpuNanos() - startCpu - generating - putting;
        Files.move(building, template);

        Path compacting = template.resolveSibling(template.getFileName() + ".compacting");
        KafkaStreamsRocksDbStore.delete(compacting);
        KafkaStreamsRocksDbStore.copy(template, compacting);
        long compactedBytes;
        long compactCpu;
        String compactedShape;
        try (KafkaStreamsRocksDbStore store = KafkaStreamsRocksDbStore.open(compacting, candidate.settings())) {
            long before = processCpuNanos();
            store.compactFully();
            store.awaitBackgroundWork();
            compactCpu = processCpuNanos() - before;
            compactedBytes = store.longProperty("rocksdb.live-sst-files-size");
            compactedShape = store.shape();
        }
        KafkaStreamsRocksDbStore.delete(compacting);

        double perMillion = 1e6 / entries;
        String line = String.format(
                Locale.ROOT,
                "%s\t%d\t%.0f\t%.2f\t%.2f\t%.1f\t%s\t%.1f\t%.2f\t%.2f\t%s\t%.1f%n",
                candidate,
                entries,
                (double) valueBytes / entries,
                putting / 1e9 * perMillion,
                background / 1e9 * perMillion,
                loadWall,
                settled,
                settledBytes * perMillion / 1e6,
                filtersAndIndexes * perMillion / 1e6,
                compactCpu / 1e9 * perMillion,
                compactedShape,
                compactedBytes * perMillion / 1e6);
        System.out.print("footprint: " + line);
        if (!Files.exists(footprint)) {
            Files.writeString(footprint, FOOTPRINT_HEADER, StandardCharsets.UTF_8);
        }
        Files.writeString(footprint, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try {
            Files.writeString(template.resolve("loaded"), line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String FOOTPRINT_HEADER = "settings\tentries\tvalue B\tload: put CPU s/M\tload: background CPU s/M"
            + "\tload wall s\tsettled shape\tsettled MB/M\tfilters+indexes MB/M\tfull compaction CPU s/M"
            + "\tcompacted shape\tcompacted MB/M\n";

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
