package io.controlplane.cancel.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
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
 * be read back with the schema they were written with; changing the class means rebuilding the
 * stores. Values read back are checked against the schema by {@link WriterSchemaBounds} first, as
 * input records are: a changelog is a topic too.
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {

    private final Schema schema;
    private final DatumWriter<T> writer;
    private final DatumReader<T> reader;
    private final WriterSchemaBounds bounds;

    public AvroBinarySerde(Class<T> type) {
        TrustedAvroPackages.trustPackageOf(type);
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.reader = new SpecificDatumReader<>(schema, schema, model);
        this.bounds = WriterSchemaBounds.of(schema);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            try {
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                writer.write(data, encoder);
                encoder.flush();
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(
                        "Could not encode a " + schema.getFullName() + " for " + topic + ": " + e, e);
            }
            return out.toByteArray();
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                bounds.check(bytes, 0, bytes.length);
            } catch (WriterSchemaBounds.Violation e) {
                throw new SerializationException(
                        "Could not decode a " + schema.getFullName() + " from " + topic + ": " + e.getMessage());
            }
            try {
                return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(
                        "Could not decode a " + schema.getFullName() + " from " + topic + ": " + e, e);
            }
        };
    }
}
