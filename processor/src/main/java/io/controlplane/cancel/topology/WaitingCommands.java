package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Commands waiting for their run's state, by execution and (cancelledBy, commandId). Kept twice: by execution (to resolve them when a state
 * arrives) and by deadline (to expire them), so that neither path scans the whole store.
 *
 * <p>Which executions have a waiting command is also kept in memory, rebuilt from the store when the
 * task starts (after its stores are restored), so that a run-state update, nearly always for a run
 * nobody waits for, costs no store read at all: a RocksDB prefix scan is an iterator and a seek. One
 * instance per task, shared by the task's processors (see {@link CommandEvaluator.Factory}).
 */
final class WaitingCommands {

    private static final byte[] NO_VALUE = new byte[0];

    private final KeyValueStore<String, CancelCommand> byExecution;
    private final KeyValueStore<Bytes, byte[]> byDeadline;
    /** Waiting commands per executionId; holds exactly the executions that have one. */
    private final Map<String, Integer> executionsWaiting = new HashMap<>();

    WaitingCommands(KeyValueStore<String, CancelCommand> byExecution, KeyValueStore<Bytes, byte[]> byDeadline) {
        this.byExecution = byExecution;
        this.byDeadline = byDeadline;
        try (KeyValueIterator<String, CancelCommand> all = byExecution.all()) {
            all.forEachRemaining(kv -> counted(kv.value.getExecutionId(), +1));
        }
    }

    boolean contains(String executionId, String actorId, String commandId) {
        return byExecution.get(key(executionId, actorId, commandId)) != null;
    }

    void add(CancelCommand command, long deadlineMs) {
        String key = key(command);
        if (byExecution.get(key) == null) {
            counted(command.getExecutionId(), +1);
        }
        byExecution.put(key, command);
        byDeadline.put(deadlineKey(deadlineMs, key), NO_VALUE);
    }

    /** Its deadline entry is left behind and dropped when it falls due: cheaper than a lookup now. */
    void remove(CancelCommand command) {
        if (byExecution.delete(key(command)) != null) {
            counted(command.getExecutionId(), -1);
        }
    }

    List<CancelCommand> forExecution(String executionId) {
        if (!executionsWaiting.containsKey(executionId)) {
            return List.of();
        }
        List<CancelCommand> waiting = new ArrayList<>();
        try (KeyValueIterator<String, CancelCommand> it = CompositeKeys.startingWith(byExecution, executionId)) {
            it.forEachRemaining(kv -> waiting.add(kv.value));
        }
        return waiting;
    }

    /** Removes and returns the commands whose deadline is at or before {@code nowMs}. */
    List<CancelCommand> takeExpired(long nowMs) {
        List<Bytes> due = new ArrayList<>();
        // Keys start with the big-endian deadline, so this reads only what is due, oldest first.
        try (KeyValueIterator<Bytes, byte[]> it = byDeadline.range(null, deadlinePrefix(nowMs + 1))) {
            it.forEachRemaining(kv -> due.add(kv.key));
        }
        List<CancelCommand> expired = new ArrayList<>(due.size());
        for (Bytes deadlineKey : due) {
            byDeadline.delete(deadlineKey);
            CancelCommand command = byExecution.delete(executionKeyOf(deadlineKey));
            if (command != null) {
                counted(command.getExecutionId(), -1);
                expired.add(command);
            }
        }
        return expired;
    }

    private void counted(String executionId, int change) {
        executionsWaiting.compute(executionId, (id, count) -> {
            int now = (count == null ? 0 : count) + change;
            return now <= 0 ? null : now;
        });
    }

    private static String key(CancelCommand command) {
        return key(command.getExecutionId(), command.getCancelledBy(), command.getCommandId());
    }

    /**
     * By execution, then (cancelledBy, commandId): dedup is per actor. Unambiguous: only valid
     * commands wait, and their ids hold no control characters (Ids), so none holds the separator.
     */
    private static String key(String executionId, String actorId, String commandId) {
        return CompositeKeys.of(executionId, actorId, commandId);
    }

    private static Bytes deadlineKey(long deadlineMs, String executionKey) {
        byte[] key = executionKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + key.length)
                .putLong(deadlineMs)
                .put(key)
                .array());
    }

    private static Bytes deadlinePrefix(long deadlineMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(deadlineMs).array());
    }

    private static String executionKeyOf(Bytes deadlineKey) {
        byte[] bytes = deadlineKey.get();
        return new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
    }
}
