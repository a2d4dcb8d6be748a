package io.controlplane.cancel.config;

import org.rocksdb.Options;

/**
 * Each store tuned for what the processor asks of it: point lookups by key, most of which miss (the
 * state of a run never seen, a command for a run not seen yet), and one put per input record, on
 * top of what Kafka Streams' {@code RocksDBStore} sets (4 KiB blocks, a 10-bit bloom filter, universal
 * compaction, no compression, {@code optimize_filters_for_hits}, background jobs = cores). Each
 * setting here was measured against those defaults by {@code RocksDbBenchmark} (docs/benchmarks.md,
 * "RocksDB settings"), and is here because it measurably helped.
 */
final class RocksDbLookupTuning {

    /** The memtable bloom filter's share of the memtable's size (RocksDB's documented example). */
    private static final double MEMTABLE_BLOOM_RATIO = 0.1;

    private RocksDbLookupTuning() {}

    static void applyTo(Options options) {
        // A bloom filter on the bottom level too, where most of the data is: Kafka Streams leaves it
        // out (optimize_filters_for_hits), which is right when gets hit and wrong when they miss, as
        // most of the processor's do; without it a miss reads a data block of the bottom level.
        // Measured: a miss in half the time, a hit ~6% slower (one more filter to probe).
        options.setOptimizeFiltersForHits(false);
        // A bloom filter of whole keys on each memtable (10% of its size, 1.6 of 16 MB): every get,
        // hit or miss, searches the memtables before the files, and a key that is not there (most
        // of them) then skips the skip list. Measured: gets ~20% faster, hit or miss, with 40k recent
        // writes in the memtable; puts the same within 2%.
        options.setMemtableWholeKeyFiltering(true);
        options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
    }
}
