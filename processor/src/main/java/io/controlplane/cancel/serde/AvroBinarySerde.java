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
 * be read back with the schema they were written with, or with the schema before fields were
 * appended ({@link #readingAlsoBefore}): a store written by the previous version then reads on after
 * an upgrade. Any other change of the class means rebuilding the stores. Values read back are checked
 * against the schema by {@link WriterSchemaBounds} first, as input records are: a changelog is a topic too.
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {

    private static final byte[] NO_HEADER = {};

    private final Schema schema;
    private final DatumWriter<T> writer;
    private final DatumReader<T> reader;
    private final WriterSchemaBounds bounds;
    private final Schema earlier;
    private final DatumReader<T> earlierReader;
    private final WriterSchemaBounds earlierBounds;

    public AvroBinarySerde(Class<T> type) {
        this(type, List.of());
    }

    private AvroBinarySerde(Class<T> type, List<String> appendedFields) {
        TrustedAvroPackages.trustPackageOf(type);
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.reader = new SpecificDatumReader<>(schema, schema, model);
        this.bounds = WriterSchemaBounds.of(schema);
        this.earlier = appendedFields.isEmpty() ? null : without(schema, appendedFields);
        this.earlierReader = earlier == null ? null : new SpecificDatumReader<>(earlier, schema, model);
        this.earlierBounds = earlier == null ? null : WriterSchemaBounds.of(earlier);
    }

    /**
     * A serde that also reads values written before {@code appendedFields} (the schema's last fields,
     * each with a default) were added. Unambiguous: every field takes at least one byte, so a value
     * of the earlier schema always ends before the current schema has been read through, and a value
     * of the current schema is always read as one.
     */
    public static <T extends SpecificRecord> AvroBinarySerde<T> readingAlsoBefore(
            Class<T> type, String... appendedFields) {
        return new AvroBinarySerde<>(type, List.of(appendedFields));
    }

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
                if (earlier == null) {
                    throw current;
                }
                try {
                    return read(earlierBounds, earlierReader, bytes, topic);
                } catch (SerializationException before) {
                    throw current;
                }
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
