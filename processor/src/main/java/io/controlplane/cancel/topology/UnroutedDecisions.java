package io.controlplane.cancel.topology;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The decided commands that name no run they are keyed by (all of them invalid), by (cancelledBy,
 * commandId), for the dedup retention (store {@value CancelStores#UNROUTED_DECIDED}), so that their
 * repeats produce nothing either. Kept on the processor's clock, never on a record's timestamp. Each
 * entry is dropped through the task's time index once it is past the retention.
 *
 * <p>A key-value store, not a window store: Kafka Streams 4 keeps a segmented store's committed
 * changelog offset in its segments, so one never written has none, and under exactly_once_v2 every
 * clean restart then took the whole task for corrupted and restored it from its changelogs (found
 * by UpgradeInPlaceIT's restart).
 */
final class UnroutedDecisions {

    /** In the time index, an entry of this store, not an execution: no executionId starts with a control character. */
    static final String DUE_PREFIX = "\u0000unrouted\u0000";

    private final KeyValueStore<String, Long> store;
    private final DueIndex due;
    private final long retentionMs;

    UnroutedDecisions(KeyValueStore<String, Long> store, DueIndex due, long retentionMs) {
        this.store = store;
        this.due = due;
        this.retentionMs = retentionMs;
    }

    /** Looks both ways from {@code nowMs}, so that a clock stepped back does not forget a decision. */
    boolean contains(String actorId, String commandId, long nowMs) {
        Long decidedAt = store.get(key(actorId, commandId));
        return decidedAt != null && Math.abs(nowMs - decidedAt) <= retentionMs;
    }

    void add(String actorId, String commandId, long nowMs) {
        String key = key(actorId, commandId);
        store.put(key, nowMs);
        due.add(nowMs + retentionMs + 1, DUE_PREFIX + key);
    }

    /** A time-index entry of this store fell due: its decision is dropped unless decided again since. */
    void due(String dueId, long nowMs) {
        String key = dueId.substring(DUE_PREFIX.length());
        Long decidedAt = store.get(key);
        if (decidedAt != null && nowMs - decidedAt > retentionMs) {
            store.delete(key);
        }
    }

    static boolean isOurs(String dueId) {
        return dueId.startsWith(DUE_PREFIX);
    }

    /** As the previous version keyed its decided commands (DecidedCommands). */
    private static String key(String actorId, String commandId) {
        return DecidedCommands.key(actorId, commandId);
    }
}
