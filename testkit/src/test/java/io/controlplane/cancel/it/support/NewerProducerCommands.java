package io.controlplane.cancel.it.support;

import io.controlplane.cancel.avro.CancelCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * CancelCommand as a newer upstream producer writes it: one more optional field, so a schema id the
 * processor has not seen yet, and decoding it has to ask the registry.
 */
public final class NewerProducerCommands {

    private NewerProducerCommands() {}

    /** CancelCommand's schema with the optional string field {@code extraField} added. */
    public static Schema schemaWith(String extraField) {
        Schema current = CancelCommand.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field(
                extraField,
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "added by a newer producer",
                Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /**
     * A command in {@code schema} (from {@link #schemaWith}), its added field set, framed with
     * {@code schemaId} as Confluent's serializer frames it.
     */
    public static byte[] framed(Schema schema, int schemaId, String commandId, String executionId, String actorId) {
        GenericRecord command = new GenericData.Record(schema);
        command.put("commandId", commandId);
        command.put("executionId", executionId);
        command.put("cancelledBy", actorId);
        command.put("reason", "written by a newer producer");
        command.put("requestedAt", Instant.now().toEpochMilli());
        command.put("traceId", "trace-" + commandId);
        List<Schema.Field> fields = schema.getFields();
        command.put(fields.get(fields.size() - 1).name(), "set by a newer producer");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(command, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
