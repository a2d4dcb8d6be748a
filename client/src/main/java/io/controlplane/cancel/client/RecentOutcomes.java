package io.controlplane.cancel.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcomes read last, by commandId, the least recently used dropped first. The processor answers a
 * command it has decided before with nothing, so a retry of such a command is answered from here or
 * not at all.
 */
final class RecentOutcomes {

    private final Map<String, CancelOutcome> byCommandId;

    RecentOutcomes(int capacity) {
        this.byCommandId = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CancelOutcome> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void put(CancelOutcome outcome) {
        byCommandId.put(outcome.commandId(), outcome);
    }

    /** The outcome read for {@code commandId}, or null. */
    synchronized CancelOutcome get(String commandId) {
        return byCommandId.get(commandId);
    }
}
