package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.serde.EarlierSchemas;
import io.controlplane.cancel.serde.FramedAvroSerde;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RunStateChange.bulkId (for bulk cancels) is appended, nullable, with a null default: consumers that
 * do not know it yet read the new records, records of producers that do not write it are read, and
 * what the processor stored or sent on its cascade topic before it existed reads on after the upgrade.
 * Here, beside CancelStores and CascadeTopic, to read with the serdes the processor itself uses.
 */
class BulkIdSchemaCompatibilityTest {

    private static final String SCOPE = "bulk-id-schema-compatibility";
    private static final String TOPIC = "controlplane.execution.run-state-changes";
    private static final Instant AT = Instant.ofEpochMilli(1_700_000_000_123L);

    private static final Schema CURRENT = RunStateChange.getClassSchema();
    /**
     * The schema before bulkId: without escalated too, appended after bulkId (cancellation over time),
     * so that it is the prefix a producer or store of that version wrote, not today's schema minus one
     * field in the middle.
     */
    private static final Schema BEFORE_BULK_ID = EarlierSchemas.without(CURRENT, "bulkId", "escalated");
    /** cascadedFrom was appended before bulkId: values written before either are still stored. */
    private static final Schema BEFORE_CASCADED_FROM =
            EarlierSchemas.without(CURRENT, "cascadedFrom", "bulkId", "escalated");

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void theNewSchemaIsBackwardAndForwardCompatibleWithEachEarlierOne() {
        for (Schema earlier : new Schema[] {BEFORE_BULK_ID, BEFORE_CASCADED_FROM}) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(CURRENT, earlier)
                            .getType())
                    .as("new reader, writer of %d fields", earlier.getFields().size())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(earlier, CURRENT)
                            .getType())
                    .as("reader of %d fields, new writer", earlier.getFields().size())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    /** As a consumer built before bulkId reads the output: the writer schema from the registry, its own as reader. */
    @Test
    void anOldConsumerReadsANewRecordFramedWithARegistryAndIgnoresTheBulkId() throws IOException {
        byte[] framed = registered().serializer().serialize(TOPIC, change("parent-1", "bulk-7"));

        ByteBuffer frame = ByteBuffer.wrap(framed);
        assertThat(frame.get()).as("magic byte").isZero();
        Schema writer = InMemorySchemaRegistry.forScope(SCOPE).schemaById(frame.getInt());
        GenericRecord asOld = new GenericDatumReader<GenericRecord>(writer, BEFORE_BULK_ID)
                .read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));

        assertThat(writer.getField("bulkId"))
                .as("the new record is written with bulkId")
                .isNotNull();
        assertThat(asOld.getSchema().getField("bulkId")).isNull();
        assertThat(asOld.get("commandId").toString()).isEqualTo("bulk-7/run-1");
        assertThat(asOld.get("cascadedFrom").toString()).isEqualTo("parent-1");
        assertThat(asOld.get("traceId").toString()).isEqualTo("trace-1");
        // SchemaCompatibility ignores logical types: only the value read says the time still means what it did
        assertThat(asOld.get("cancelledAt")).isEqualTo(AT.toEpochMilli());
    }

    @Test
    void aNewReaderReadsAnOldProducersRecordWithoutABulkId() {
        FramedAvroSerde<RunStateChange> serde = registered();
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(SCOPE);

        int beforeBulkId = registry.register(TOPIC + "-value", BEFORE_BULK_ID);
        assertThat(serde.deserializer()
                        .deserialize(TOPIC, framed(beforeBulkId, BEFORE_BULK_ID, change("parent-1", "bulk-7"))))
                .isEqualTo(change("parent-1", null));
        int beforeCascadedFrom = registry.register(TOPIC + "-value", BEFORE_CASCADED_FROM);
        assertThat(serde.deserializer()
                        .deserialize(
                                TOPIC, framed(beforeCascadedFrom, BEFORE_CASCADED_FROM, change("parent-1", "bulk-7"))))
                .isEqualTo(change(null, null));
    }

    /** The previous version's cancellation and cascade-passed stores, and its cascade repartition topic. */
    @Test
    void cancellationsStoredBeforeReadOn() {
        var stored = CancelStores.cancellationSerde().deserializer();

        assertThat(stored.deserialize("changelog", EarlierSchemas.writtenAs(BEFORE_BULK_ID, change("parent-1", "b"))))
                .isEqualTo(change("parent-1", null));
        assertThat(stored.deserialize(
                        "changelog", EarlierSchemas.writtenAs(BEFORE_CASCADED_FROM, change("parent-1", "b"))))
                .isEqualTo(change(null, null));
    }

    /** A rolling upgrade: a cascade the processor sent before bulkId existed may still be in flight. */
    @Test
    void aCascadeSentBeforeReadsOn() {
        byte[] body = EarlierSchemas.writtenAs(BEFORE_BULK_ID, change("parent-1", "b"));
        byte[] message = new byte[body.length + 2];
        message[0] = 1; // format version
        message[1] = 2; // a cascade
        System.arraycopy(body, 0, message, 2, body.length);

        assertThat(CascadeTopic.serde().deserializer().deserialize("app-cancel-cascade", message))
                .isEqualTo(CascadeMessage.forced(change("parent-1", null)));
    }

    private static FramedAvroSerde<RunStateChange> registered() {
        FramedAvroSerde<RunStateChange> serde = new FramedAvroSerde<>(RunStateChange.class);
        serde.configure(Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false);
        return serde;
    }

    /** What a producer writing {@code schema} sends: magic byte, schema id, the binary. */
    private static byte[] framed(int id, Schema schema, RunStateChange change) {
        byte[] body = EarlierSchemas.writtenAs(schema, change);
        return ByteBuffer.allocate(5 + body.length)
                .put((byte) 0)
                .putInt(id)
                .put(body)
                .array();
    }

    private static RunStateChange change(String cascadedFrom, String bulkId) {
        return RunStateChange.newBuilder()
                .setExecutionId("run-1")
                .setTenantId("t-1")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(AT)
                .setCancelledBy("alice")
                .setReason("bulk")
                .setCommandId("bulk-7/run-1")
                .setVersion(3L)
                .setTraceId("trace-1")
                .setCascadedFrom(cascadedFrom)
                .setBulkId(bulkId)
                .build();
    }
}
