package io.controlplane.cancel.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The children index on a parent's task: one entry per (parent, child) link, keyed parent U+0000
 * child so that one prefix scan finds a parent's children. Valid ids hold no control character
 * (RunStateValidation), so no two links share a key. Links are kept: a cascade of another tenant
 * may still pass through the parent later.
 */
final class ChildLinks {

    private static final byte[] NO_VALUE = new byte[0];

    private final KeyValueStore<String, byte[]> store;

    ChildLinks(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    void add(String parentId, String childId) {
        store.put(CompositeKeys.of(parentId, childId), NO_VALUE);
    }

    List<String> childrenOf(String parentId) {
        String prefix = CompositeKeys.prefix(parentId);
        List<String> children = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = CompositeKeys.startingWith(store, parentId)) {
            it.forEachRemaining(kv -> children.add(kv.key.substring(prefix.length())));
        }
        return children;
    }
}
