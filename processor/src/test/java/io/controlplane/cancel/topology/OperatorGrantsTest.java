package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.serde.AvroBinarySerde;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

/** Commands are served their actor's grant from memory: no store read and no decoding per command. */
class OperatorGrantsTest {

    private final AvroBinarySerde<OperatorGrant> serde = new AvroBinarySerde<>(OperatorGrant.class);
    private final AtomicInteger decodes = new AtomicInteger();
    private final Deserializer<OperatorGrant> counting = (topic, bytes) -> {
        decodes.incrementAndGet();
        return serde.deserializer().deserialize(topic, bytes);
    };
    private final OperatorGrants grants = new OperatorGrants(new GrantDecoder("operators", counting));
    private final CountingStore store = new CountingStore();

    @Test
    void aGrantRestoredIntoTheStoreIsReadAndDecodedOnceThenServedFromMemory() {
        store.grants.put("alice", bytes(grant("alice", "admin")));

        OperatorGrant first = grants.usable("alice", store);
        OperatorGrant second = grants.usable("alice", store);

        assertThat(second).isEqualTo(first).isNotNull();
        assertThat(store.reads).hasValue(1);
        assertThat(decodes).hasValue(1);
    }

    @Test
    void aGrantTheGlobalProcessorStoredIsServedWithoutReadingTheStore() {
        byte[] grant = bytes(grant("alice", "admin"));
        store.grants.put("alice", grant);
        grants.stored("alice", grant);

        assertThat(grants.usable("alice", store).getRoles()).containsExactly("admin");
        assertThat(store.reads).hasValue(0);
    }

    @Test
    void aChangedGrantReplacesTheOneInMemory() {
        grants.stored("alice", bytes(grant("alice", "admin")));
        grants.usable("alice", store);

        grants.stored("alice", bytes(grant("alice", "viewer")));

        assertThat(grants.usable("alice", store).getRoles()).containsExactly("viewer");
    }

    @Test
    void aRevokedGrantIsNotServedFromMemory() {
        grants.stored("alice", bytes(grant("alice", "admin")));
        grants.usable("alice", store);

        grants.revoked("alice");

        assertThat(grants.usable("alice", store)).isNull();
    }

    @Test
    void anActorWithoutAGrantIsAskedOfTheStoreEachTimeSoThatMemoryHoldsOnlyGrants() {
        assertThat(grants.usable("mallory", store)).isNull();
        store.grants.put("mallory", bytes(grant("mallory", "admin")));

        assertThat(grants.usable("mallory", store)).isNotNull();
    }

    @Test
    void aGrantStoredUnderAnotherActorsKeyGivesNothing() {
        store.grants.put("mallory", bytes(grant("alice", "admin")));

        assertThat(grants.usable("mallory", store)).isNull();
    }

    @Test
    void aRebuiltGlobalStoreIsReadAgain() {
        grants.stored("alice", bytes(grant("alice", "admin")));

        grants.forgetAll();

        assertThat(grants.usable("alice", store)).isNull();
    }

    private static OperatorGrant grant(String actorId, String role) {
        return new OperatorGrant(actorId, List.of(role), List.of("t1"));
    }

    private byte[] bytes(OperatorGrant grant) {
        return serde.serializer().serialize("operators", grant);
    }

    /** The global store, as the stream threads see it, counting reads. */
    private static final class CountingStore implements ReadOnlyKeyValueStore<String, byte[]> {

        final Map<String, byte[]> grants = new HashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public byte[] get(String key) {
            reads.incrementAndGet();
            return grants.get(key);
        }

        @Override
        public KeyValueIterator<String, byte[]> range(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyValueIterator<String, byte[]> all() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long approximateNumEntries() {
            return grants.size();
        }
    }
}
