package io.controlplane.cancel.topology;

import java.time.Duration;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The commandIds decided within the dedup retention, so that a repeat produces nothing. Kept on the
 * processor's clock, never on a record's timestamp: a producer sets that, and a far-future one would
 * otherwise age every other decision out of the store at once.
 */
final class DecidedCommands {

    private final WindowStore<String, Long> store;
    private final long retentionMs;

    DecidedCommands(WindowStore<String, Long> store, Duration retention) {
        this.store = store;
        this.retentionMs = retention.toMillis();
    }

    /** Looks both ways from {@code nowMs}, so that a clock stepped back does not forget a decision. */
    boolean contains(String commandId, long nowMs) {
        try (WindowStoreIterator<Long> it =
                store.fetch(commandId, Math.max(0, nowMs - retentionMs), nowMs + retentionMs)) {
            return it.hasNext();
        }
    }

    void add(String commandId, long nowMs) {
        store.put(commandId, nowMs, nowMs);
    }
}
