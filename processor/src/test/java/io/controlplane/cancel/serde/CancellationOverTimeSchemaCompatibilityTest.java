package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cancellation over time (issue 19) appended fields to three contract records, each with a default
 * (CancelCommand: mode FORCE, graceMs and notBefore null; RunState: deadlineAt null; RunStateChange:
 * escalated false), and the symbol CANCELLING to RunStatus, last, whose default UNKNOWN was already
 * there: producers and consumers built on the earlier schemas keep working, each reading what the
 * other writes. The processor's own stores are in CancellationOverTimeStoreCompatibilityTest.
 *
 * <p>The earlier schemas are built here with RunStatus as it was (written out, not derived from
 * today's): a consumer deployed before CANCELLING existed has that enum compiled in. Public, with
 * {@link #beforeCancelling} and {@link #writtenBy}, for the store test in the topology package, where
 * the processor's store serdes are.
 */
public class CancellationOverTimeSchemaCompatibilityTest {

    private static final String SCOPE = "cancellation-over-time-schema-compatibility";
    private static final String COMMANDS = "controlplane.execution.cancel.commands";
    private static final String RUN_STATES = "controlplane.execution.run-states";
    private static final String CHANGES = "controlplane.execution.run-state-changes";
    private static final Instant AT = Instant.ofEpochMilli(1_700_000_000_123L);

    /** RunStatus's symbols before CANCELLING, in their order: values without a schema carry the position. */
    public static final List<String> RUN_STATUS_SYMBOLS_BEFORE_CANCELLING = List.of(
            "PENDING",
            "QUEUED",
            "RUNNING",
            "WAITING",
            "AWAITING_APPROVAL",
            "PAUSED",
            "COMPLETED",
            "FAILED",
            "CANCELLED",
            "ABORTED",
            "UNKNOWN");

    /** RunStatus as consumers built before CANCELLING know it, its default UNKNOWN included. */
    public static final Schema RUN_STATUS_BEFORE_CANCELLING = Schema.createEnum(
            "RunStatus", null, "io.controlplane.cancel.avro", RUN_STATUS_SYMBOLS_BEFORE_CANCELLING, "UNKNOWN");

    private static final Schema COMMAND_BEFORE =
            EarlierSchemas.without(CancelCommand.getClassSchema(), "mode", "graceMs", "notBefore");
    private static final Schema RUN_STATE_BEFORE =
            beforeCancelling(EarlierSchemas.without(RunState.getClassSchema(), "deadlineAt"));
    /** What an old consumer reads with: no escalated, and a RunStatus without CANCELLING. */
    private static final Schema CHANGE_BEFORE =
            beforeCancelling(EarlierSchemas.without(RunStateChange.getClassSchema(), "escalated"));

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    /**
     * The registry's BACKWARD and FORWARD checks, both ways for each record: a new reader of old
     * writers, and old readers of the new writer (the processor's output, and the inputs it shares
     * with their other consumers).
     */
    @Test
    void theNewSchemasAndTheEarlierOnesReadEachOther() {
        for (Schema[] pair : new Schema[][] {
            {COMMAND_BEFORE, CancelCommand.getClassSchema()},
            {RUN_STATE_BEFORE, RunState.getClassSchema()},
            {CHANGE_BEFORE, RunStateChange.getClassSchema()}
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

    /**
     * CANCELLING is appended last and the default stays UNKNOWN: values written without a schema (the
     * stores) carry a symbol's position, so every earlier symbol keeps its own; and this schema's
     * readers will read a status appended after it as UNKNOWN, as the earlier ones read CANCELLING.
     */
    @Test
    void runStatusOnlyGrewAtTheEndAndKeepsItsDefault() {
        List<String> symbols = RunStatus.getClassSchema().getEnumSymbols();
        assertThat(symbols.subList(0, RUN_STATUS_SYMBOLS_BEFORE_CANCELLING.size()))
                .isEqualTo(RUN_STATUS_SYMBOLS_BEFORE_CANCELLING);
        assertThat(symbols).endsWith("CANCELLING");
        assertThat(RunStatus.getClassSchema().getEnumDefault()).isEqualTo("UNKNOWN");
    }

    /** A producer built before issue 19 asks for what every cancel was then: at once, and by force. */
    @Test
    void anOldProducersCommandReadsAsForceJudgedOnArrival() {
        // Not CancelCommand.newBuilder() without a mode: its default, an enum, is built through a class
        // lookup that Avro 1.12.2 refuses until a serde has trusted the package (TrustedAvroPackages).
        CancelCommand sent =
                new CancelCommand("c-1", "run-1", "alice", "stuck", AT, "trace-1", CancelMode.FORCE, null, null);
        FramedAvroSerde<CancelCommand> serde = registered(CancelCommand.class);
        int id = InMemorySchemaRegistry.forScope(SCOPE).register(COMMANDS + "-value", COMMAND_BEFORE);

        CancelCommand read = serde.deserializer().deserialize(COMMANDS, framed(id, writtenBy(COMMAND_BEFORE, sent)));

        assertThat(read.getMode()).isEqualTo(CancelMode.FORCE);
        assertThat(read.getGraceMs()).isNull();
        assertThat(read.getNotBefore()).isNull();
        assertThat(read).isEqualTo(sent);
    }

    /** A producer of run states built before issue 19 sets no deadline: none is read, none is enforced. */
    @Test
    void anOldProducersRunStateReadsWithoutADeadline() {
        RunState sent = new RunState("run-1", "t-1", RunStatus.AWAITING_APPROVAL, 5L, AT, "parent-1", null);
        FramedAvroSerde<RunState> serde = registered(RunState.class);
        int id = InMemorySchemaRegistry.forScope(SCOPE).register(RUN_STATES + "-value", RUN_STATE_BEFORE);

        RunState read = serde.deserializer().deserialize(RUN_STATES, framed(id, writtenBy(RUN_STATE_BEFORE, sent)));

        assertThat(read.getDeadlineAt()).isNull();
        assertThat(read).isEqualTo(sent);
    }

    /**
     * A consumer of run-state changes built before issue 19 reads the processor's CANCELLING as
     * UNKNOWN (its enum's default: a status it does not know, never terminal) and skips escalated;
     * every other field reads as written.
     */
    @Test
    void anOldConsumerReadsCancellingAsUnknownAndTheRestAsWritten() throws IOException {
        RunStateChange cancelling = change(RunStatus.CANCELLING, RunStatus.RUNNING, 4L, false);

        GenericRecord asOld =
                readAsOldConsumer(registered(RunStateChange.class).serializer().serialize(CHANGES, cancelling));

        assertThat(asOld.get("status").toString()).isEqualTo("UNKNOWN");
        assertThat(asOld.get("previousStatus").toString()).isEqualTo("RUNNING");
        assertThat(asOld.get("executionId").toString()).isEqualTo("run-1");
        assertThat(asOld.get("commandId").toString()).isEqualTo("bulk-7/run-1");
        assertThat(asOld.get("version")).isEqualTo(4L);
        assertThat(asOld.get("cascadedFrom").toString()).isEqualTo("parent-1");
        assertThat(asOld.get("bulkId").toString()).isEqualTo("bulk-7");
        // SchemaCompatibility ignores logical types: only the value read says the time still means what it did
        assertThat(asOld.get("cancelledAt")).isEqualTo(AT.toEpochMilli());
        assertThat(asOld.getSchema().getField("escalated")).isNull();
    }

    /**
     * The CANCELLED that ends a graceful cancel the processor forced reads as CANCELLED, escalated
     * or not: an old consumer sees the run end as it always did. Its previousStatus, if CANCELLING,
     * reads as UNKNOWN.
     */
    @Test
    void anOldConsumerReadsAnEscalatedCancelledAsCancelled() throws IOException {
        RunStateChange forced = change(RunStatus.CANCELLED, RunStatus.CANCELLING, 5L, true);

        GenericRecord asOld =
                readAsOldConsumer(registered(RunStateChange.class).serializer().serialize(CHANGES, forced));

        assertThat(asOld.get("status").toString()).isEqualTo("CANCELLED");
        assertThat(asOld.get("previousStatus").toString()).isEqualTo("UNKNOWN");
        assertThat(asOld.get("version")).isEqualTo(5L);
        assertThat(asOld.get("commandId").toString()).isEqualTo("bulk-7/run-1");
        assertThat(asOld.getSchema().getField("escalated")).isNull();
    }

    /**
     * CancelMode has no enum default on purpose: a command of a later producer with a mode this
     * schema does not know must not be read as FORCE (it would stop a run harder than asked), nor
     * as GRACEFUL; it is undecodable, so dead-lettered.
     */
    @Test
    void aCommandWithAModeThisSchemaDoesNotKnowIsUndecodableNotForce() {
        Schema later = withMode(
                CancelCommand.getClassSchema(),
                Schema.createEnum(
                        "CancelMode", null, "io.controlplane.cancel.avro", List.of("FORCE", "GRACEFUL", "DRAIN")));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(CancelCommand.getClassSchema(), later)
                        .getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE);

        GenericRecord drain = generic(
                later, new CancelCommand("c-9", "run-1", "alice", null, AT, null, CancelMode.FORCE, null, null));
        drain.put("mode", new GenericData.EnumSymbol(later.getField("mode").schema(), "DRAIN"));
        int id = InMemorySchemaRegistry.forScope(SCOPE).register(COMMANDS + "-value", later);
        byte[] framed = framed(id, binary(later, drain));

        assertThatThrownBy(() -> registered(CancelCommand.class).deserializer().deserialize(COMMANDS, framed))
                .isInstanceOf(UndecodableRecordException.class);
    }

    /**
     * {@code record} with RunStatus as it was before CANCELLING wherever it has a RunStatus: the
     * schema of a producer or a store of a version before issue 19.
     */
    public static Schema beforeCancelling(Schema record) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            boolean runStatus = field.schema()
                    .getFullName()
                    .equals(RunStatus.getClassSchema().getFullName());
            fields.add(new Schema.Field(field, runStatus ? RUN_STATUS_BEFORE_CANCELLING : field.schema()));
        }
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    /**
     * Plain Avro binary of {@code record} as a writer of {@code schema} writes it: each field by name,
     * each enum symbol by its position in {@code schema}'s enum (not in today's generated one).
     */
    public static byte[] writtenBy(Schema schema, SpecificRecord record) {
        return binary(schema, generic(schema, record));
    }

    private static GenericRecord generic(Schema schema, SpecificRecord record) {
        GenericRecord generic = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Object value = record.get(record.getSchema().getField(field.name()).pos());
            if (value instanceof Enum<?> symbol) {
                value = new GenericData.EnumSymbol(field.schema(), symbol.name());
            } else if (value instanceof Instant time) {
                value = time.toEpochMilli(); // timestamp-millis, without the logical type's conversion
            }
            generic.put(field.name(), value);
        }
        return generic;
    }

    private static byte[] binary(Schema schema, GenericRecord record) {
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

    private static Schema withMode(Schema command, Schema mode) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : command.getFields()) {
            fields.add(new Schema.Field(field, field.name().equals("mode") ? mode : field.schema()));
        }
        return Schema.createRecord(command.getName(), command.getDoc(), command.getNamespace(), false, fields);
    }

    /** As a consumer built before issue 19 reads the output: the writer schema from the registry, its own as reader. */
    private static GenericRecord readAsOldConsumer(byte[] framed) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(framed);
        assertThat(frame.get()).as("magic byte").isZero();
        Schema writer = InMemorySchemaRegistry.forScope(SCOPE).schemaById(frame.getInt());
        assertThat(writer.getField("escalated"))
                .as("the new record is written with escalated")
                .isNotNull();
        return new GenericDatumReader<GenericRecord>(writer, CHANGE_BEFORE)
                .read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
    }

    private static <T extends SpecificRecord> FramedAvroSerde<T> registered(Class<T> type) {
        FramedAvroSerde<T> serde = new FramedAvroSerde<>(type);
        serde.configure(Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false);
        return serde;
    }

    /** What a producer writing with schema {@code id} sends: magic byte, schema id, the binary. */
    private static byte[] framed(int id, byte[] body) {
        byte[] header = ByteBuffer.allocate(5).put((byte) 0).putInt(id).array();
        byte[] joined = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, joined, header.length, body.length);
        return joined;
    }

    private static RunStateChange change(RunStatus status, RunStatus previous, long version, boolean escalated) {
        return RunStateChange.newBuilder()
                .setExecutionId("run-1")
                .setTenantId("t-1")
                .setStatus(status)
                .setPreviousStatus(previous)
                .setCancelledAt(AT)
                .setCancelledBy("alice")
                .setReason("drain")
                .setCommandId("bulk-7/run-1")
                .setVersion(version)
                .setTraceId("trace-1")
                .setCascadedFrom("parent-1")
                .setBulkId("bulk-7")
                .setEscalated(escalated)
                .build();
    }
}
