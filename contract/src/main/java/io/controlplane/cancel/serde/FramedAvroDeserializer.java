package io.controlplane.cancel.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro (magic byte 0, 4-byte schema id, Avro binary) into generated
 * classes, resolving the writer's schema against the reader's (Avro schema resolution: added
 * fields take their defaults, unknown enum symbols take the enum's default).
 *
 * <p>Before Avro sees the bytes, {@link WriterSchemaBounds} checks them against the writer schema, so
 * that no length or count a record claims can make the decoder allocate more than a small multiple of
 * the record's size.
 *
 * <p>Every failure is an {@link UndecodableRecordException} naming the topic, so that Kafka Streams'
 * deserialization handler can route the record aside.
 */
public final class FramedAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    /** Reader class; {@code null} means the class generated for the writer schema's full name. */
    private final Class<T> readerType;

    private final Map<Integer, WriterDecoding<T>> decodingByWriterId = new ConcurrentHashMap<>();
    /**
     * Writer ids whose schema cannot be read as the reader's type, with why: an id never changes
     * meaning, so the (milliseconds-long) compatibility check is not repeated for each such record.
     */
    private final Map<Integer, String> refusedWriterIds = new ConcurrentHashMap<>();

    private final UnknownSchemaIds unknownIds = new UnknownSchemaIds();
    private volatile SchemaRegistryClient registry;

    /** Reads into the class generated for each writer schema's full name, as Confluent's SpecificAvroSerde does. */
    public FramedAvroDeserializer() {
        this.readerType = null;
    }

    /** Reads into {@code readerType}; a record whose schema cannot be resolved to it fails. */
    public FramedAvroDeserializer(Class<T> readerType) {
        this.readerType = Objects.requireNonNull(readerType, "readerType");
        TrustedAvroPackages.trustPackageOf(readerType);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = SchemaRegistryClients.fromConfig(configs);
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        if (bytes.length < FramedAvroSerializer.HEADER_LENGTH) {
            throw new UndecodableRecordException(
                    "Record on topic " + topic + " is " + bytes.length + " bytes, too short for Confluent-framed Avro"
                            + " (a magic byte and a 4-byte schema id come first)");
        }
        if (bytes[0] != FramedAvroSerializer.MAGIC_BYTE) {
            throw new UndecodableRecordException(String.format(
                    "Record on topic %s starts with byte 0x%02x, not the magic byte 0x00 of Confluent-framed Avro",
                    topic, bytes[0]));
        }
        int id = (bytes[1] & 0xff) << 24 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 8 | (bytes[4] & 0xff);
        if (id <= 0) {
            // Registries number schemas from 1 (Confluent's, Apicurio's). Not asked: some answer such
            // an id with a bare 404, which reads as an outage and would hold the record back for good.
            throw new UndecodableRecordException(
                    "Record on topic " + topic + " names schema id " + id + ", which no schema registry gives");
        }
        WriterDecoding<T> decoding = decodingFor(id, topic);
        try {
            decoding.bounds().check(bytes, FramedAvroSerializer.HEADER_LENGTH, bytes.length);
        } catch (WriterSchemaBounds.Violation e) {
            throw new UndecodableRecordException(
                    "Could not decode the record on topic " + topic + " with schema id " + id + ": " + e.getMessage());
        }
        try {
            return decoding.reader()
                    .read(
                            null,
                            DecoderFactory.get()
                                    .binaryDecoder(
                                            bytes,
                                            FramedAvroSerializer.HEADER_LENGTH,
                                            bytes.length - FramedAvroSerializer.HEADER_LENGTH,
                                            null));
        } catch (IOException | RuntimeException e) {
            throw new UndecodableRecordException(
                    "Could not decode the record on topic " + topic + " with schema id " + id + ": " + e);
        }
    }

    private WriterDecoding<T> decodingFor(int writerId, String topic) {
        WriterDecoding<T> decoding = decodingByWriterId.get(writerId);
        if (decoding != null) {
            return decoding;
        }
        String refused = refusedWriterIds.get(writerId);
        if (refused != null) {
            throw new UndecodableRecordException(refused);
        }
        SchemaRegistryClient client = registry;
        if (client == null) {
            throw new IllegalStateException("FramedAvroDeserializer is not configured: call configure(...) first");
        }
        Schema writer = unknownIds.schemaById(writerId, client::schemaById);
        Class<T> type = readerType != null ? readerType : generatedClassFor(writer, writerId, topic);
        SpecificData model = SpecificData.getForClass(type);
        Schema readerSchema = model.getSchema(type);
        // Avro's resolver does not compare record names, so a record of another type whose fields
        // happen to resolve would come back as the wrong class; the compatibility check does.
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String why = "Record on topic " + topic + " was written with schema id " + writerId + " ("
                    + writer.getFullName() + "), which cannot be read as " + readerSchema.getFullName() + ": "
                    + compatibility.getResult().getIncompatibilities().stream()
                            .map(i -> i.getMessage() + " at " + i.getLocation())
                            .collect(Collectors.joining("; "));
            refusedWriterIds.put(writerId, why);
            throw new UndecodableRecordException(why);
        }
        decoding = new WriterDecoding<>(
                new SpecificDatumReader<>(writer, readerSchema, model), WriterSchemaBounds.of(writer));
        WriterDecoding<T> raced = decodingByWriterId.putIfAbsent(writerId, decoding);
        return raced != null ? raced : decoding;
    }

    /** What reading data of one writer schema takes: Avro's resolving reader, and the checks that run first. */
    private record WriterDecoding<T>(DatumReader<T> reader, WriterSchemaBounds bounds) {}

    @SuppressWarnings("unchecked")
    private static <T> Class<T> generatedClassFor(Schema writer, int writerId, String topic) {
        Class<?> type;
        try {
            type = writer.getType() == Schema.Type.RECORD ? SpecificData.get().getClass(writer) : null;
        } catch (SecurityException e) {
            // a writer schema named after a class outside the generated package: Avro refuses to load it
            type = null;
        }
        if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
            throw new UndecodableRecordException("Record on topic " + topic + " was written with schema id " + writerId
                    + " (" + writer.getFullName() + "), for which no generated Avro class is on the classpath");
        }
        return (Class<T>) type;
    }
}
