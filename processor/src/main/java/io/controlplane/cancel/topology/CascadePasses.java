package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunStateChange;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The runs a cascade passed through without cancelling them, by run and tenant of the cascade, each
 * with the cancellation it carried (CancelStores.CASCADE_PASSED). Keyed run U+0000 tenant: ids hold
 * no control character, so a prefix scan finds every cascade that passed one run.
 */
final class CascadePasses {

    private final KeyValueStore<String, RunStateChange> store;

    CascadePasses(KeyValueStore<String, RunStateChange> store) {
        this.store = store;
    }

    boolean passed(String executionId, String tenantId) {
        return store.get(CompositeKeys.of(executionId, tenantId)) != null;
    }

    void add(String executionId, RunStateChange cause) {
        store.put(CompositeKeys.of(executionId, cause.getTenantId()), cause);
    }

    /** The cancellations that cascades carried through this run, one per tenant. */
    List<RunStateChange> causesThrough(String executionId) {
        List<RunStateChange> causes = new ArrayList<>();
        try (KeyValueIterator<String, RunStateChange> it = CompositeKeys.startingWith(store, executionId)) {
            it.forEachRemaining(kv -> causes.add(kv.value));
        }
        return causes;
    }
}
