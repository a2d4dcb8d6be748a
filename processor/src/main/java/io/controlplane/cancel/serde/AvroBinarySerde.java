package io.controlplane.cancel.serde;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary of one generated class, with no framing and no registry: for state stores and
 * their changelogs, which only this processor reads. The bytes carry no schema, so they can only
 * be read back with the schema they were written with, or with one of the schemas before fields were
 * appended ({@link #readingAlsoBefore}): a store written by an earlier version then reads on after
 * an upgrade. Any other change of the class means rebuilding the stores. Values read back are checked
 * against the schema by {@link WriterSchemaBounds} first, as input records are: a changelog is a topic too.
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {

    private static final byte[] NO_HEADER = {};

    private final Schema schema;
    private final DatumWriter<T> writer;
    private final DatumReader<T> reader;
    private final WriterSchemaBounds bounds;
    /** The earlier schemas, newest (fewest fields left out) first. */
    private final List<Earlier<T>> earlier;

    public AvroBinarySerde(Class<T> type) {
        this(type, List.of());
    }

    private AvroBinarySerde(Class<T> type, List<String> appendedFields) {
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        TrustedAvroPackages.trustPackagesOf(type, schema);
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.reader = new SpecificDatumReader<>(schema, schema, model);
        this.bounds = WriterSchemaBounds.of(schema);
        this.earlier = new ArrayList<>();
        for (int left = 1; left <= appendedFields.size(); left++) {
            Schema before =
                    without(schema, appendedFields.subList(appendedFields.size() - left, appendedFields.size()));
            earlier.add(new Earlier<>(new SpecificDatumReader<>(before, schema, model), WriterSchemaBounds.of(before)));
        }
    }

    /**
     * A serde that also reads values written before {@code appendedFields} (the schema's last fields,
     * each with a default, in the order they were appended) were added: each of them marks an earlier
     * schema, so a value may be of the schema without the last one, without the last two, and so on
     * to the schema without all of them, and every one of these reads. Unambiguous: the schemas are
     * prefixes of each other and every field takes at least one byte, so a value ends before any
     * longer schema has been read through; tried from the current schema down, a value is read with
     * the schema it was written with.
     */
    public static <T extends SpecificRecord> AvroBinarySerde<T> readingAlsoBefore(
            Class<T> type, String... appendedFields) {
        return new AvroBinarySerde<>(type, List.of(appendedFields));
    }

    private record Earlier<T>(DatumReader<T> reader, WriterSchemaBounds bounds) {}

    private static Schema without(Schema schema, List<String> appendedFields) {
        List<Schema.Field> fields = schema.getFields();
        int kept = fields.size() - appendedFields.size();
        List<Schema.Field> earlierFields = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            Schema.Field field = fields.get(i);
            if (i >= kept) {
                if (!field.name().equals(appendedFields.get(i - kept)) || !field.hasDefaultValue()) {
                    throw new IllegalArgumentException(field.name() + " is not an appended field with a default");
                }
                continue;
            }
            earlierFields.add(new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, earlierFields);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return AvroEncoding.encode(NO_HEADER, writer, data);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(
                        "Could not encode a " + schema.getFullName() + " for " + topic + ": " + e, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return read(bounds, reader, bytes, topic);
            } catch (SerializationException current) {
                for (Earlier<T> before : earlier) {
                    try {
                        return read(before.bounds(), before.reader(), bytes, topic);
                    } catch (SerializationException notThisOne) {
                        // an older schema still may read it; if none does, the current schema's failure says why
                    }
                }
                throw current;
            }
        };
    }

    private T read(WriterSchemaBounds writerBounds, DatumReader<T> datumReader, byte[] bytes, String topic) {
        try {
            writerBounds.check(bytes, 0, bytes.length);
        } catch (WriterSchemaBounds.Violation e) {
            throw new UndecodableRecordException(
                    "Could not decode a " + schema.getFullName() + " from " + topic + ": " + e.getMessage());
        }
        try {
            return datumReader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException | RuntimeException e) {
            throw new UndecodableRecordException(
                    "Could not decode a " + schema.getFullName() + " from " + topic + ": " + e);
        }
    }
}
