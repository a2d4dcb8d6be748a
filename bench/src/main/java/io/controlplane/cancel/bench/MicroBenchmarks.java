package io.controlplane.cancel.bench;

import io.controlplane.cancel.serde.SerdeBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The JMH micro-benchmarks ({@link DecisionBenchmark}, {@link SerdeBenchmark}; {@link
 * RocksDbBenchmark} only when a regex names it, it takes several minutes) with JMH's GC profiler, so
 * that each comes with its allocation per operation; started by {@code bench/run jmh}. Prints a
 * summary table and writes JMH's own JSON for the docs; for the RocksDB benchmark, also each
 * setting's time per operation against Kafka Streams' defaults, and its write-side figures.
 */
@Command(
        name = "bench/run jmh",
        mixinStandardHelpOptions = true,
        description = "JMH micro-benchmarks of the decision function and the serdes: ops/s and bytes allocated per op.")
public final class MicroBenchmarks implements Callable<Integer> {

    @Option(
            names = "--quick",
            description = "One fork, 2 warm-up and 3 measured iterations of 1 s (about a minute in all).")
    boolean quick;

    @Option(names = "--results", paramLabel = "FILE", description = "JMH's JSON results (default: ${DEFAULT-VALUE}).")
    Path results = Path.of("bench/target/jmh.json");

    @Parameters(
            arity = "0..1",
            paramLabel = "REGEX",
            description = "Only the benchmarks whose name matches (default: all of them).")
    String filter;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MicroBenchmarks()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(results.toAbsolutePath().getParent());
        // RocksDbBenchmark's loaded stores, shared by the trials (fork JVMs) of this run only
        Path rocksDbStores = results.toAbsolutePath().resolveSibling("rocksdb-bench");
        KafkaStreamsRocksDbStore.delete(rocksDbStores);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .addProfiler(GCProfiler.class)
                .forks(quick ? 1 : 2)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                // the heap the processor is deployed with
                .jvmArgsAppend("-Xmx256m", "-D" + RocksDbBenchmark.DIR_PROPERTY + "=" + rocksDbStores)
                .resultFormat(ResultFormatType.JSON)
                .result(results.toString());
        if (filter != null) {
            options.include(filter);
        } else {
            options.include(Pattern.quote(DecisionBenchmark.class.getName()))
                    .include(Pattern.quote(SerdeBenchmark.class.getName()));
        }
        Collection<RunResult> runs = new Runner(options.build()).run();
        System.out.println();
        System.out.println("==== micro-benchmarks ====");
        System.out.printf("%-45s %14s %12s %12s%n", "benchmark", "ops/s", "± (99.9 %)", "B/op");
        for (RunResult run : runs) {
            Result<?> primary = run.getPrimaryResult();
            Result<?> allocated = run.getSecondaryResults().get("gc.alloc.rate.norm");
            String label = run.getParams().getBenchmark();
            System.out.printf(
                    "%-45s %,14.0f %,12.0f %12s%n",
                    label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1),
                    primary.getScore(),
                    primary.getScoreError(),
                    allocated == null ? "n/a" : String.format("%,.0f", allocated.getScore()));
        }
        RocksDbRatios.print(rocksDbStores, System.out);
        KafkaStreamsRocksDbStore.delete(rocksDbStores);
        System.out.println("JMH's results: " + results);
        return 0;
    }
}
