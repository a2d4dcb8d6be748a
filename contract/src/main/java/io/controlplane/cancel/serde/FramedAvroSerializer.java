package io.controlplane.cancel.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in Confluent's wire format: magic byte 0, the writer schema's
 * registry id as a big-endian int, then the Avro binary encoding. The subject is
 * {@code <topic>-value} or {@code <topic>-key} (Confluent's TopicNameStrategy).
 */
public final class FramedAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    /** Register the writer schema if needed (default {@code true}); if false it must already be registered. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_LENGTH = 5;

    // topic -> writer schema -> id: looked up once per topic and schema, then answered from here
    private final Map<String, Map<Schema, Integer>> idBySchemaByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writerBySchema = new ConcurrentHashMap<>();
    private volatile SchemaRegistryClient registry;
    private boolean autoRegister;
    private String subjectSuffix;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object auto = configs.get(AUTO_REGISTER_SCHEMAS);
        this.autoRegister =
                auto == null || Boolean.parseBoolean(String.valueOf(auto).trim());
        this.subjectSuffix = isKey ? "-key" : "-value";
        this.registry = SchemaRegistryClients.fromConfig(configs);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = data.getSchema();
        int id = schemaId(topic, schema);
        byte[] header = {MAGIC_BYTE, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
        try {
            return AvroEncoding.encode(header, writerFor(schema, data.getClass()), data);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Could not encode a " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private int schemaId(String topic, Schema schema) {
        Map<Schema, Integer> ids = idBySchemaByTopic.get(topic);
        Integer id = ids == null ? null : ids.get(schema);
        if (id != null) {
            return id;
        }
        SchemaRegistryClient client = registry;
        if (client == null) {
            throw new IllegalStateException("FramedAvroSerializer is not configured: call configure(...) first");
        }
        String subject = topic + subjectSuffix;
        int found;
        if (autoRegister) {
            found = client.register(subject, schema);
        } else {
            try {
                found = client.idOf(subject, schema);
            } catch (SchemaRegistryUnavailableException e) {
                throw e;
            } catch (SerializationException e) {
                throw new SerializationException(
                        e.getMessage() + "; " + AUTO_REGISTER_SCHEMAS + "=false, so it must be registered beforehand",
                        e);
            }
        }
        idBySchemaByTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(schema, found);
        return found;
    }

    private DatumWriter<T> writerFor(Schema schema, Class<?> type) {
        DatumWriter<T> writer = writerBySchema.get(schema);
        if (writer == null) {
            TrustedAvroPackages.trustPackageOf(type);
            // the generated class's model carries its logical-type conversions (Instant <-> long)
            writer = new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
            writerBySchema.putIfAbsent(schema, writer);
        }
        return writer;
    }
}
