package io.controlplane.cancel.topology;

import java.time.Duration;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** The commandIds decided within the dedup retention, so that a repeat produces nothing. */
final class DecidedCommands {

    private final WindowStore<String, Long> store;
    private final long retentionMs;

    DecidedCommands(WindowStore<String, Long> store, Duration retention) {
        this.store = store;
        this.retentionMs = retention.toMillis();
    }

    boolean contains(String commandId, long recordTimestampMs) {
        try (WindowStoreIterator<Long> it = store.fetch(commandId,
                Math.max(0, recordTimestampMs - retentionMs), recordTimestampMs + retentionMs)) {
            return it.hasNext();
        }
    }

    void add(String commandId, long recordTimestampMs, long decidedAtMs) {
        store.put(commandId, decidedAtMs, recordTimestampMs);
    }
}
