package io.controlplane.cancel.config;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One memory budget for every RocksDB instance of the process, as Kafka Streams' memory-management
 * guide recommends, when {@value CancelProcessorConfig#ROCKSDB_MEMORY_BYTES} is set (applied by
 * {@link CancelRocksDbConfigSetter}). Left alone, each store (and each segment of the dedup window
 * store) takes its own 50 MB block cache and up to three 16 MB memtables, so memory grows with the
 * number of tasks and segments rather than with the data. Here the block cache, the index and filter
 * blocks and the memtables of all of them share one budget (half of it for memtables at most). Not
 * the default: a small budget makes RocksDB flush and compact more, measured at ~20-40% more CPU per
 * record at 64 MiB (docs/benchmarks.md).
 */
final class BoundedRocksDbMemory {

    /** Shared by every store of the process: created once, never closed by a store. */
    private static Shared shared;

    private record Shared(long bytes, Cache cache, WriteBufferManager writeBuffers) {}

    private BoundedRocksDbMemory() {}

    /** Puts the store of these options under the process's budget of {@code bytes}. */
    static void applyTo(Options options, long bytes) {
        Shared memory = shared(bytes);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        // Index and filter blocks count against the budget too, kept ahead of data blocks in it.
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBuffers());
    }

    private static synchronized Shared shared(long bytes) {
        if (shared == null || shared.bytes() != bytes) {
            Cache cache = new LRUCache(bytes, -1, false, 0.1);
            shared = new Shared(bytes, cache, new WriteBufferManager(bytes / 2, cache));
        }
        return shared;
    }
}
