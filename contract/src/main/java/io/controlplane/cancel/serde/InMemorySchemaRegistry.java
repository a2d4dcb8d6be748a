package io.controlplane.cancel.serde;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A schema registry held in memory, for tests and demos. Selected by
 * {@code schema.registry.url=mock://<scope>}, like Confluent's mock registry: every serde
 * configured with the same scope shares one instance, so a serializer and a deserializer
 * configured separately still see each other's schemas.
 *
 * <p>Behaves like the real registry where it matters to the wire format: ids start at 1, and the
 * same schema gets the same id under every subject.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemaById = new HashMap<>();
    private final Map<String, Map<String, Integer>> idBySchemaTextBySubject = new HashMap<>();

    /** The registry shared by everything configured with {@code mock://<scope>}. */
    public static InMemorySchemaRegistry forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
    }

    /** Forgets a scope, so that the next {@link #forScope} starts empty (isolates tests). */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        String text = schema.toString();
        Integer id = idBySchemaText.get(text);
        if (id == null) {
            id = idBySchemaText.size() + 1;
            idBySchemaText.put(text, id);
            schemaById.put(id, schema);
        }
        idBySchemaTextBySubject.computeIfAbsent(subject, s -> new HashMap<>()).put(text, id);
        return id;
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        Integer id = idBySchemaTextBySubject.getOrDefault(subject, Map.of()).get(schema.toString());
        if (id == null) {
            throw new SerializationException(
                    "Schema " + schema.getFullName() + " is not registered under subject " + subject);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemaById.get(id);
        if (schema == null) {
            throw new UndecodableRecordException("Unknown schema id " + id + " in the in-memory registry");
        }
        return schema;
    }
}
