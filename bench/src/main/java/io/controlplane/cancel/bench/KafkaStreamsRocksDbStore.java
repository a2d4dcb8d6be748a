package io.controlplane.cancel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * A persistent key-value store as Kafka Streams opens one in a task: its own {@code RocksDBStore}
 * ({@code Stores.persistentKeyValueStore}), so its own default options, then whatever {@code
 * rocksdb.config.setter} the settings name, on a state directory of its own. Only flushing,
 * compacting and reading RocksDB's properties go to the RocksDB instance underneath, which Kafka
 * Streams keeps in a package-private field: read by reflection, for measuring only.
 */
final class KafkaStreamsRocksDbStore implements AutoCloseable {

    static final String NAME = "runs";

    private final KeyValueStore<Bytes, byte[]> store;
    private final RocksDB db;
    private final Path dir;

    private KafkaStreamsRocksDbStore(KeyValueStore<Bytes, byte[]> store, RocksDB db, Path dir) {
        this.store = store;
        this.db = db;
        this.dir = dir;
    }

    /** Opens (creating if need be) the store under {@code stateDir} with these Kafka Streams settings. */
    static KafkaStreamsRocksDbStore open(Path stateDir, Properties settings) {
        Properties props = new Properties();
        props.putAll(settings);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "rocksdb-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // under exactly_once_v2 a store copied from a template would not open (its status is not "closed")
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        MockProcessorContext<Object, Object> context =
                new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
        KeyValueStore<Bytes, byte[]> store =
                Stores.persistentKeyValueStore(NAME).get();
        store.init(context.getStateStoreContext(), store);
        return new KafkaStreamsRocksDbStore(
                store, rocksDb(store), stateDir.resolve("rocksdb").resolve(NAME));
    }

    KeyValueStore<Bytes, byte[]> store() {
        return store;
    }

    /** The store's RocksDB directory (its OPTIONS file says what RocksDB was opened with). */
    Path dir() {
        return dir;
    }

    String property(String name) {
        try {
            return db.getProperty(name);
        } catch (RocksDBException e) {
            throw new IllegalStateException(name, e);
        }
    }

    long longProperty(String name) {
        return Long.parseLong(property(name));
    }

    /** The memtables written to SST files (the WAL is off in Kafka Streams: nothing else persists them). */
    void flush() {
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until RocksDB has had no flush or compaction running for a second. Not until none is
     * pending: universal compaction can report one pending (as many sorted runs as its trigger) that
     * its picker never starts (no run small enough against the others, space amplification under 200%).
     */
    void awaitBackgroundWork() throws InterruptedException {
        int quiet = 0;
        while (quiet < 10) {
            boolean busy = longProperty("rocksdb.num-running-compactions") > 0
                    || longProperty("rocksdb.num-running-flushes") > 0
                    || longProperty("rocksdb.mem-table-flush-pending") > 0;
            quiet = busy ? 0 : quiet + 1;
            Thread.sleep(100);
        }
    }

    /** Everything compacted into one sorted run, as a full compaction leaves it. */
    void compactFully() {
        try {
            db.compactRange();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SST files per level, e.g. {@code L0:2 L4:1 L6:1}. */
    String shape() {
        StringBuilder shape = new StringBuilder();
        for (int level = 0; level < 7; level++) {
            long files = longProperty("rocksdb.num-files-at-level" + level);
            if (files > 0) {
                shape.append(shape.isEmpty() ? "" : " ")
                        .append('L')
                        .append(level)
                        .append(':')
                        .append(files);
            }
        }
        return shape.toString();
    }

    @Override
    public void close() {
        store.close();
    }

    private static RocksDB rocksDb(KeyValueStore<Bytes, byte[]> store) {
        for (Class<?> type = store.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField("db");
                field.setAccessible(true);
                return (RocksDB) field.get(store);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(store.getClass() + " has no RocksDB field 'db' (Kafka Streams changed?)");
    }

    /** A copy of a closed store's state directory: SST files (immutable) hard-linked, the rest copied. */
    static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (file.getFileName().toString().endsWith(".sst")) {
                    Files.createLink(target, file);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads every file under {@code dir} once, so that the OS holds it in its page cache: a store
     * loaded minutes ago may have been evicted, one read by the trials before not.
     */
    static void readAll(Path dir) {
        byte[] buffer = new byte[1 << 20];
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                try (var in = Files.newInputStream(file)) {
                    while (in.read(buffer) >= 0) {
                        // only to have it read
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
