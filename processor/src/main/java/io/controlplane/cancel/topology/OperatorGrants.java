package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.OperatorGrant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The grants in memory, decoded, so that a command costs no store read and no decoding for its
 * actor's grant. Kept by the global store's processor ({@link GrantUpdater}) as grant records
 * arrive; the global store stays the source of truth: Kafka Streams restores it straight from the
 * topic, without the processor, so an actor not in memory yet is read from the store once and then
 * kept. Only usable grants are kept (operators are few); an actor without one is read each time.
 *
 * <p>Shared by the global thread and the stream threads. An update and a first read of the same actor
 * never cross: {@link ConcurrentHashMap#computeIfAbsent} holds the actor's entry while it reads the
 * store, and the global thread's write of that entry waits for it, so the newer grant always wins.
 */
final class OperatorGrants {

    /** Past this many actors in memory, the others are read from the store each time. */
    private static final int MAX_IN_MEMORY = 10_000;

    private final GrantDecoder decoder;
    private final Map<String, Entry> grants = new ConcurrentHashMap<>();

    /** A grant record's bytes, and the grant they give once decoded (null until the registry answered). */
    private record Entry(byte[] bytes, OperatorGrant grant) {}

    OperatorGrants(GrantDecoder decoder) {
        this.decoder = decoder;
    }

    GrantDecoder decoder() {
        return decoder;
    }

    /** The global store is being (re)built from its topic: what memory holds may be older. */
    void forgetAll() {
        grants.clear();
    }

    /** A grant record was stored; decoded now if the registry answers, else when first used. */
    void stored(String actorId, byte[] bytes) {
        OperatorGrant grant;
        try {
            grant = decoder.usable(actorId, bytes);
        } catch (RuntimeException e) {
            grant = null; // the registry is unavailable: decoded when used
        }
        grants.put(actorId, new Entry(bytes, grant));
    }

    void revoked(String actorId) {
        grants.remove(actorId);
    }

    /**
     * The usable grant of {@code actorId}, or null.
     *
     * @throws io.controlplane.cancel.serde.SchemaRegistryUnavailableException if the grant must be
     *     decoded and the registry cannot be asked
     */
    OperatorGrant usable(String actorId, ReadOnlyKeyValueStore<String, byte[]> store) {
        Entry entry = grants.get(actorId);
        if (entry == null) {
            if (grants.size() >= MAX_IN_MEMORY) {
                byte[] bytes = store.get(actorId);
                return bytes == null ? null : decoder.usable(actorId, bytes);
            }
            entry = grants.computeIfAbsent(actorId, id -> {
                byte[] bytes = store.get(id);
                return bytes == null ? null : new Entry(bytes, decoder.usable(id, bytes));
            });
            if (entry == null) {
                return null;
            }
        }
        if (entry.grant() == null) {
            OperatorGrant grant = decoder.usable(actorId, entry.bytes());
            if (grant != null) {
                grants.replace(actorId, entry, new Entry(entry.bytes(), grant));
            }
            return grant;
        }
        return entry.grant();
    }
}
