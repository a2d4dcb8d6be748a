package io.controlplane.cancel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default setter as Kafka Streams applies it: each store is opened by Kafka Streams' own
 * RocksDBStore with {@link StreamsProperties}' settings, and what RocksDB was opened with is read
 * back from the OPTIONS file RocksDB writes into the store's directory, and from the store's metrics.
 */
class CancelRocksDbConfigSetterTest {

    private static final long KAFKA_STREAMS_BLOCK_CACHE = 50L * 1024 * 1024;
    private static final long BUDGET = 32L * 1024 * 1024;

    @TempDir
    Path stateDir;

    private final List<KeyValueStore<Bytes, byte[]>> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(KeyValueStore::close);
    }

    @Test
    void eachStoreIsTunedForLookupsThatMiss() throws IOException {
        Opened store = open("runs", Map.of());

        Map<String, String> options = store.options();
        assertThat(options)
                // bloom filters on the bottom level too
                .containsEntry("CFOptions/optimize_filters_for_hits", "false")
                // and on the memtables, of whole keys
                .containsEntry("CFOptions/memtable_whole_key_filtering", "true")
                .containsEntry("CFOptions/memtable_prefix_bloom_size_ratio", "0.100000");
        // left as Kafka Streams sets them (measured, and not bettered here: docs/benchmarks.md)
        assertThat(options)
                .containsEntry("DBOptions/max_background_jobs", Integer.toString(backgroundJobs()))
                .containsEntry("CFOptions/compaction_style", "kCompactionStyleUniversal")
                .containsEntry("CFOptions/compression", "kNoCompression")
                .containsEntry("CFOptions/bottommost_compression", "kDisableCompressionOption")
                .containsEntry("TableOptions/filter_policy", "bloomfilter:10:false")
                .containsEntry("TableOptions/whole_key_filtering", "true")
                .containsEntry("TableOptions/block_size", "4096")
                .containsEntry("TableOptions/index_type", "kBinarySearch")
                .containsEntry("TableOptions/cache_index_and_filter_blocks", "false");
        assertThat(store.metric("block-cache-capacity")).isEqualTo(KAFKA_STREAMS_BLOCK_CACHE);
    }

    @Test
    void aMemoryBudgetBoundsEveryStoreAndKeepsTheTuning() throws IOException {
        Map<String, Object> budget = Map.of(CancelProcessorConfig.ROCKSDB_MEMORY_BYTES, Long.toString(BUDGET));
        Opened runs = open("runs", budget);
        Opened commands = open("commands", budget);

        assertThat(runs.options())
                .containsEntry("CFOptions/optimize_filters_for_hits", "false")
                .containsEntry("CFOptions/memtable_whole_key_filtering", "true")
                // index and filter blocks count against the budget
                .containsEntry("TableOptions/cache_index_and_filter_blocks", "true");
        assertThat(runs.metric("block-cache-capacity")).isEqualTo(BUDGET);
        assertThat(commands.metric("block-cache-capacity")).isEqualTo(BUDGET);

        // The memtables are charged to the same cache: writing to one store, and reading nothing,
        // fills the cache both stores see.
        long before = commands.metric("block-cache-usage");
        byte[] value = new byte[300];
        for (int i = 0; i < 10_000; i++) {
            runs.store().put(Bytes.wrap(("run-" + i).getBytes(StandardCharsets.US_ASCII)), value);
        }
        assertThat(commands.metric("block-cache-usage")).isGreaterThan(before + 2 * 1024 * 1024);
    }

    @Test
    void withoutABudgetMemtablesAreNotChargedToTheCache() throws IOException {
        Opened runs = open("runs", Map.of());
        byte[] value = new byte[300];
        for (int i = 0; i < 10_000; i++) {
            runs.store().put(Bytes.wrap(("run-" + i).getBytes(StandardCharsets.US_ASCII)), value);
        }
        assertThat(runs.metric("block-cache-usage")).isLessThan(1024 * 1024);
    }

    /** Kafka Streams' own sizing: {@code setIncreaseParallelism(max(cores, 2))}, as many jobs as cores. */
    private static int backgroundJobs() {
        return Math.max(Runtime.getRuntime().availableProcessors(), 2);
    }

    private record Opened(KeyValueStore<Bytes, byte[]> store, MockProcessorContext<?, ?> context, Path dir) {

        /** {@code section/key} of the newest OPTIONS file, the "default" column family's sections only. */
        Map<String, String> options() throws IOException {
            Path file;
            try (Stream<Path> files = Files.list(dir)) {
                file = files.filter(f -> f.getFileName().toString().startsWith("OPTIONS-"))
                        .max(Comparator.comparing(f -> f.getFileName().toString()))
                        .orElseThrow();
            }
            Map<String, String> options = new HashMap<>();
            String section = null;
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.trim();
                if (trimmed.startsWith("[")) {
                    section = trimmed.equals("[DBOptions]")
                            ? "DBOptions"
                            : trimmed.equals("[CFOptions \"default\"]")
                                    ? "CFOptions"
                                    : trimmed.equals("[TableOptions/BlockBasedTable \"default\"]")
                                            ? "TableOptions"
                                            : null;
                } else if (section != null && trimmed.contains("=")) {
                    int equals = trimmed.indexOf('=');
                    options.put(section + "/" + trimmed.substring(0, equals), trimmed.substring(equals + 1));
                }
            }
            return options;
        }

        long metric(String name) {
            return context.metrics().metrics().entrySet().stream()
                    .filter(metric -> metric.getKey().name().equals(name)
                            && dir.getFileName()
                                    .toString()
                                    .equals(metric.getKey().tags().get("rocksdb-state-id")))
                    .map(metric -> ((Number) metric.getValue().metricValue()).longValue())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no metric " + name));
        }
    }

    private Opened open(String name, Map<String, Object> userSettings) {
        Properties settings = StreamsProperties.from(userSettings);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        MockProcessorContext<Object, Object> context =
                new MockProcessorContext<>(settings, new TaskId(0, 0), stateDir.toFile());
        KeyValueStore<Bytes, byte[]> store =
                Stores.persistentKeyValueStore(name).get();
        store.init(context.getStateStoreContext(), store);
        opened.add(store);
        return new Opened(store, context, stateDir.resolve("rocksdb").resolve(name));
    }
}
