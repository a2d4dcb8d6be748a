package io.controlplane.cancel.bench;

import io.controlplane.cancel.config.StreamsProperties;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.IndexType;
import org.rocksdb.Options;

/**
 * The RocksDB settings {@link RocksDbBenchmark} compares: Kafka Streams' own defaults, each candidate
 * change alone on top of them, and the processor's default {@code rocksdb.config.setter} as shipped.
 * A candidate is one change, applied by {@link Setter} to the options Kafka Streams built, as a
 * user's setter would be.
 */
enum RocksDbCandidate {
    /** No {@code rocksdb.config.setter}: what Kafka Streams 4.4 sets by itself. */
    kafkaStreamsDefaults(null),
    /** Filters on the bottom level too: Kafka Streams sets {@code optimize_filters_for_hits}. */
    bottomLevelFilters(options -> options.setOptimizeFiltersForHits(false)),
    /** A whole-key bloom filter on each memtable, so a miss skips the memtable's skip list. */
    memtableBloom(options -> options.setMemtableWholeKeyFiltering(true).setMemtablePrefixBloomSizeRatio(0.1)),
    /** A hash index in each data block, so a point lookup finds its key without a binary search. */
    blockHashIndex(options ->
            table(options, table -> table.setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash))),
    /** 16 KiB data blocks instead of Kafka Streams' 4 KiB: a smaller index, more per block read. */
    blockSize16k(options -> table(options, table -> table.setBlockSize(16 * 1024))),
    /** Partitioned index and filters, their top level pinned: only partitions that are used stay in memory. */
    partitionedFilters(options -> table(
            options,
            table -> table.setIndexType(IndexType.kTwoLevelIndexSearch)
                    .setPartitionFilters(true)
                    .setPinTopLevelIndexAndFilter(true))),
    /** Levelled compaction ({@code level_compaction_dynamic_level_bytes}) instead of Kafka Streams' universal. */
    levelCompaction(
            options -> options.setCompactionStyle(CompactionStyle.LEVEL).setLevelCompactionDynamicLevelBytes(true)),
    /** LZ4 on the bottom level (most of the data), the levels above left uncompressed. */
    lz4BottomLevel(options -> options.setBottommostCompressionType(CompressionType.LZ4_COMPRESSION)),
    /** ZSTD on the bottom level. */
    zstdBottomLevel(options -> options.setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)),
    /** The processor's default setter, as {@link StreamsProperties} configures it. */
    shipped(null);

    static final String CONFIG = "cancel.bench.rocksdb.candidate";

    private final Consumer<Options> change;

    RocksDbCandidate(Consumer<Options> change) {
        this.change = change;
    }

    /** The Kafka Streams settings that open a store with this candidate. */
    Properties settings() {
        Properties settings = new Properties();
        switch (this) {
            case kafkaStreamsDefaults -> {}
            case shipped -> {
                Object setter = StreamsProperties.from(Map.of()).get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
                if (setter != null) {
                    settings.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, setter);
                }
            }
            default -> {
                settings.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, Setter.class.getName());
                settings.put(CONFIG, name());
            }
        }
        return settings;
    }

    private static void table(Options options, Consumer<BlockBasedTableConfig> change) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        change.accept(table);
        options.setTableFormatConfig(table);
    }

    /** Applies the candidate named by {@value #CONFIG} to the options Kafka Streams built. */
    public static final class Setter implements RocksDBConfigSetter {
        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            valueOf((String) configs.get(CONFIG)).change.accept(options);
        }

        @Override
        public void close(String storeName, Options options) {}
    }
}
