package io.controlplane.cancel.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A contract record's schema as it was before fields were appended, built in tests to write what an
 * earlier version wrote. Named by field, never as "without the last field": that would silently mean
 * another field each time one is appended.
 */
public final class EarlierSchemas {

    private EarlierSchemas() {}

    /** {@code schema} without the named fields, under the same full name. */
    public static Schema without(Schema schema, String... fieldNames) {
        Set<String> left = Set.of(fieldNames);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            if (!left.contains(field.name())) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        if (fields.size() != schema.getFields().size() - left.size()) {
            throw new IllegalArgumentException(schema.getName() + " does not have all of " + left);
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /**
     * Plain Avro binary of {@code record} written with {@code earlier}, which must be a prefix of the
     * record's schema (fields are appended): the specific writer takes each field by its position.
     */
    public static byte[] writtenAs(Schema earlier, SpecificRecord record) {
        List<Schema.Field> all = record.getSchema().getFields();
        for (Schema.Field field : earlier.getFields()) {
            if (!all.get(field.pos()).name().equals(field.name())) {
                throw new IllegalArgumentException(earlier + " is not a prefix of " + record.getSchema());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(earlier, SpecificData.getForClass(record.getClass()))
                    .write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
