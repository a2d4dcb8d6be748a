package io.controlplane.cancel.config;

import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * The processor's {@code rocksdb.config.setter}, the default ({@link StreamsProperties}): every store
 * gets {@link RocksDbLookupTuning}, and when {@value CancelProcessorConfig#ROCKSDB_MEMORY_BYTES} is
 * set all of them also share that budget ({@link BoundedRocksDbMemory}). A {@code
 * rocksdb.config.setter} of the user's replaces it, both parts; one that wants them too calls this
 * one's {@link #setConfig} first.
 */
public final class CancelRocksDbConfigSetter implements RocksDBConfigSetter {

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        RocksDbLookupTuning.applyTo(options);
        OptionalLong budget = new CancelProcessorConfig(configs).rocksDbMemoryBytes();
        if (budget.isPresent()) {
            BoundedRocksDbMemory.applyTo(options, budget.getAsLong());
        }
    }

    @Override
    public void close(String storeName, Options options) {
        // nothing of a store's own to close: the shared cache and write-buffer manager outlive it
    }
}
