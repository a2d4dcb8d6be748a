package io.controlplane.cancel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RocksDbBenchmark}'s results as the docs give them: for each setting and operation, the mean
 * time per operation on the store with Kafka Streams' defaults and on the one with the setting, timed
 * in interleaved pairs, and their ratio (under 1: the setting is faster), with the lowest and highest
 * ratio of the measured iterations; then the write-side figures of each loaded store.
 */
final class RocksDbRatios {

    private static final List<String> OPERATIONS = List.of("getMissing", "getPresent", "put");

    private RocksDbRatios() {}

    /** One measured iteration of one setting and operation. */
    private record Iteration(long pairs, long baselineNanos, long candidateNanos, long leftOut) {
        double ratio() {
            return (double) candidateNanos / baselineNanos;
        }
    }

    static void print(Path dir, PrintStream out) throws IOException {
        Path pairs = dir.resolve(RocksDbBenchmark.PAIRS_FILE);
        if (Files.exists(pairs)) {
            printPairs(pairs, out);
        }
        Path footprint = dir.resolve(RocksDbBenchmark.FOOTPRINT_FILE);
        if (Files.exists(footprint)) {
            out.println();
            out.println("==== RocksDB: loading the stores (per million entries), and their disk ====");
            Files.readAllLines(footprint).forEach(line -> out.println(line.replace('\t', '|')));
            Path kept = dir.toAbsolutePath().resolveSibling("rocksdb-footprint.tsv");
            Files.copy(footprint, kept, StandardCopyOption.REPLACE_EXISTING);
            out.println("(as TSV: " + kept + ")");
        }
    }

    private static void printPairs(Path file, PrintStream out) throws IOException {
        Map<String, Map<String, List<Iteration>>> bySettings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] fields = line.split("\t");
            bySettings
                    .computeIfAbsent(fields[0], settings -> new LinkedHashMap<>())
                    .computeIfAbsent(fields[1], operation -> new ArrayList<>())
                    .add(new Iteration(
                            Long.parseLong(fields[2]),
                            Long.parseLong(fields[3]),
                            Long.parseLong(fields[4]),
                            Long.parseLong(fields[5])));
        }
        out.println();
        out.println("==== RocksDB: ns per operation, Kafka Streams' defaults -> the setting, and the ratio of the two"
                + " (lowest-highest of the iterations), % of pairs left out as descheduled ====");
        out.printf("%-22s", "settings");
        OPERATIONS.forEach(operation -> out.printf(" %40s", operation));
        out.println();
        bySettings.forEach((settings, operations) -> {
            out.printf("%-22s", settings);
            for (String operation : OPERATIONS) {
                List<Iteration> iterations = operations.getOrDefault(operation, List.of());
                long count = iterations.stream().mapToLong(Iteration::pairs).sum();
                if (count == 0) {
                    out.printf(" %40s", "-");
                    continue;
                }
                double baseline =
                        iterations.stream().mapToLong(Iteration::baselineNanos).sum() / (double) count;
                double candidate =
                        iterations.stream().mapToLong(Iteration::candidateNanos).sum() / (double) count;
                out.printf(
                        " %,6.0f->%,6.0f %5.2f (%4.2f-%4.2f) %4.1f%%",
                        baseline,
                        candidate,
                        candidate / baseline,
                        iterations.stream().mapToDouble(Iteration::ratio).min().orElseThrow(),
                        iterations.stream().mapToDouble(Iteration::ratio).max().orElseThrow(),
                        100.0
                                * iterations.stream()
                                        .mapToLong(Iteration::leftOut)
                                        .sum()
                                / (count
                                        + iterations.stream()
                                                .mapToLong(Iteration::leftOut)
                                                .sum()));
            }
            out.println();
        });
    }
}
