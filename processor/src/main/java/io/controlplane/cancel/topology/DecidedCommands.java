package io.controlplane.cancel.topology;

import java.time.Duration;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The commands decided within the dedup retention, by (cancelledBy, commandId), so that a repeat
 * produces nothing and nobody pre-empts another actor's command by reusing its id. Kept on the
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
    boolean contains(String actorId, String commandId, long nowMs) {
        try (WindowStoreIterator<Long> it =
                store.fetch(key(actorId, commandId), Math.max(0, nowMs - retentionMs), nowMs + retentionMs)) {
            return it.hasNext();
        }
    }

    void add(String actorId, String commandId, long nowMs) {
        store.put(key(actorId, commandId), nowMs, nowMs);
    }

    /**
     * Length-prefixed, so unambiguous whatever the ids hold: an invalid command (control characters
     * and all) is remembered too, so that its repeat is not rejected again. No actor counts as empty.
     */
    private static String key(String actorId, String commandId) {
        String actor = actorId == null ? "" : actorId;
        return actor.length() + ":" + actor + commandId;
    }
}
