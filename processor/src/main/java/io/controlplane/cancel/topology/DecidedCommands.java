package io.controlplane.cancel.topology;

import java.time.Duration;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The previous version's decided commands (its window store {@code cancel-decided-commands}), by
 * (cancelledBy, commandId), asked after an upgrade (PreviousVersionState) so that a command it
 * decided within the dedup retention is still a repeat. Kept on the processor's clock, never on a
 * record's timestamp.
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

    /**
     * Length-prefixed, so unambiguous whatever the ids hold: an invalid command (control characters
     * and all) is remembered too, so that its repeat is not rejected again. No actor counts as empty.
     */
    static String key(String actorId, String commandId) {
        String actor = actorId == null ? "" : actorId;
        return actor.length() + ":" + actor + commandId;
    }
}
