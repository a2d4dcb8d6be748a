package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RunState.parentExecutionId and RunStateChange.cascadedFrom (issue 12) are appended, nullable, with
 * a null default: old producers and consumers keep working, and so do the processor's stores
 * written by the version before.
 */
class ParentLinkSchemaCompatibilityTest {

    private static final String SCOPE = "parent-link-schema-compatibility";
    private static final Instant AT = Instant.ofEpochMilli(1_700_000_000_123L);

    /** Before parentExecutionId, so before deadlineAt too (appended after it). */
    private static final Schema OLD_RUN_STATE =
            EarlierSchemas.without(RunState.getClassSchema(), "parentExecutionId", "deadlineAt");
    /** Before cascadedFrom, so before bulkId and escalated too (appended after it). */
    private static final Schema OLD_RUN_STATE_CHANGE =
            EarlierSchemas.without(RunStateChange.getClassSchema(), "cascadedFrom", "bulkId", "escalated");

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void theNewSchemasAreBackwardAndForwardCompatibleWithTheOldOnes() {
        for (Schema[] pair : new Schema[][] {
            {OLD_RUN_STATE, RunState.getClassSchema()}, {OLD_RUN_STATE_CHANGE, RunStateChange.getClassSchema()}
        }) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(pair[1], pair[0])
                            .getType())
                    .as("new reader, old writer: %s", pair[0].getName())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(pair[0], pair[1])
                            .getType())
                    .as("old reader, new writer: %s", pair[0].getName())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void anOldProducersRunStateIsReadWithoutAParent() {
        FramedAvroSerde<RunState> serde = new FramedAvroSerde<>(RunState.class);
        serde.configure(Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false);
        int id = InMemorySchemaRegistry.forScope(SCOPE).register("run-states-value", OLD_RUN_STATE);
        byte[] framed =
                concat(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array(), plain(OLD_RUN_STATE, oldRunState()));

        RunState read = serde.deserializer().deserialize("run-states", framed);

        assertThat(read.getExecutionId()).isEqualTo("e-1");
        assertThat(read.getParentExecutionId()).isNull();
    }

    @Test
    void anOldConsumerReadsTheNewRecordsAndIgnoresTheNewFields() throws IOException {
        RunState child = new RunState("child", "t-1", RunStatus.RUNNING, 2L, AT, "parent", null);
        GenericRecord asOld = readAs(OLD_RUN_STATE, RunState.getClassSchema(), binary(child));
        assertThat(asOld.get("executionId").toString()).isEqualTo("child");
        assertThat(asOld.getSchema().getField("parentExecutionId")).isNull();

        RunStateChange cascaded = RunStateChange.newBuilder()
                .setExecutionId("child")
                .setTenantId("t-1")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(AT)
                .setCancelledBy("alice")
                .setCommandId("c-1/child")
                .setVersion(3L)
                .setCascadedFrom("parent")
                .build();
        GenericRecord changeAsOld = readAs(OLD_RUN_STATE_CHANGE, RunStateChange.getClassSchema(), binary(cascaded));
        assertThat(changeAsOld.get("commandId").toString()).isEqualTo("c-1/child");
        assertThat(changeAsOld.getSchema().getField("cascadedFrom")).isNull();
    }

    @Test
    void aStoreWrittenByThePreviousVersionReadsOnAfterTheUpgrade() {
        AvroBinarySerde<RunState> serde =
                AvroBinarySerde.readingAlsoBefore(RunState.class, "parentExecutionId", "deadlineAt");
        byte[] old = plain(OLD_RUN_STATE, oldRunState());

        RunState read = serde.deserializer().deserialize("store-changelog", old);
        assertThat(read.getExecutionId()).isEqualTo("e-1");
        assertThat(read.getVersion()).isEqualTo(1L);
        assertThat(read.getParentExecutionId()).isNull();
        assertThat(read.getDeadlineAt()).isNull();

        RunState current = new RunState("e-2", "t-1", RunStatus.PAUSED, 4L, AT, "e-1", null);
        assertThat(serde.deserializer()
                        .deserialize("store-changelog", serde.serializer().serialize("x", current)))
                .isEqualTo(current);
        assertThatThrownBy(() -> serde.deserializer().deserialize("store-changelog", Arrays.copyOf(old, 3)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() ->
                        new AvroBinarySerde<>(RunState.class).deserializer().deserialize("store-changelog", old))
                .as("without the earlier schema the old bytes do not read")
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void onlyAppendedFieldsWithADefaultCanBeLeftOut() {
        assertThatThrownBy(() -> AvroBinarySerde.readingAlsoBefore(RunState.class, "version"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static GenericRecord oldRunState() {
        GenericRecord record = new GenericData.Record(OLD_RUN_STATE);
        record.put("executionId", "e-1");
        record.put("tenantId", "t-1");
        record.put(
                "status",
                new GenericData.EnumSymbol(OLD_RUN_STATE.getField("status").schema(), "RUNNING"));
        record.put("version", 1L);
        record.put("updatedAt", AT.toEpochMilli());
        return record;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> byte[] binary(T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        return new AvroBinarySerde<>(type).serializer().serialize("x", record);
    }

    private static GenericRecord readAs(Schema reader, Schema writer, byte[] bytes) throws IOException {
        return new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }

    private static byte[] plain(Schema schema, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
