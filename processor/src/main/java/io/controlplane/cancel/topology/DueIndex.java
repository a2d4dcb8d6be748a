package io.controlplane.cancel.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The task's one time index (store {@code cancel-due}): which executions' records must be looked at
 * again at a given time, because a waiting command's grace ends then, or because the decisions a
 * record is kept for are then past the dedup retention. Keyed by the big-endian time then the
 * executionId, so that taking what is due reads only what is due, oldest first. Only the rare paths
 * write here: a command waiting for its run, and a record left with nothing but decisions.
 */
final class DueIndex {

    private static final byte[] NO_VALUE = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;

    /** One execution due at one time. */
    record Due(long atMs, String executionId) {}

    DueIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    void add(long atMs, String executionId) {
        store.put(key(atMs, executionId), NO_VALUE);
    }

    /** Removes and returns what is due at or before {@code nowMs}. */
    List<Due> takeDue(long nowMs) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(null, prefix(nowMs + 1))) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        List<Due> due = new ArrayList<>(keys.size());
        for (Bytes key : keys) {
            store.delete(key);
            byte[] bytes = key.get();
            due.add(new Due(
                    ByteBuffer.wrap(bytes).getLong(),
                    new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8)));
        }
        return due;
    }

    /**
     * A time before 1970 (a run state's deadlineAt can be one) is long past, so due at once: kept as
     * 0, because in the bytes' order a negative time would sort after every positive one and never
     * come due.
     */
    private static Bytes key(long atMs, String executionId) {
        byte[] id = executionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length)
                .putLong(Math.max(0, atMs))
                .put(id)
                .array());
    }

    private static Bytes prefix(long atMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(atMs).array());
    }
}
