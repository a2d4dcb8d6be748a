package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FramedAvroSerdeTest {

    private static final String SCOPE = "framed-avro-serde-test";
    private static final String TOPIC = "cancel-commands";
    private static final Instant REQUESTED_AT = Instant.ofEpochMilli(1_700_000_000_123L);

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(SCOPE);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void framesTheAvroBinaryWithMagicByteAndBigEndianSchemaId() throws IOException {
        // occupy ids 1..299 so the id has more than one significant byte
        for (int i = 0; i < 299; i++) {
            registry.register("filler", Schema.createFixed("F" + i, null, "filler", 1));
        }
        CancelCommand command = command("c-1");

        byte[] bytes = serde(CancelCommand.class).serializer().serialize(TOPIC, command);

        int id = registry.idOf(TOPIC + "-value", CancelCommand.getClassSchema());
        assertThat(id).isEqualTo(300);
        assertThat(bytes[0]).isZero();
        assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0x00, 0x00, 0x01, 0x2c);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(plainAvro(command));
    }

    @Test
    void roundTripsEveryField() {
        FramedAvroSerde<CancelCommand> serde = serde(CancelCommand.class);
        CancelCommand command = command("c-1");
        CancelCommand sparse =
                CancelCommand.newBuilder().setRequestedAt(REQUESTED_AT).build();

        assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, command)))
                .isEqualTo(command);
        assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, sparse)))
                .isEqualTo(sparse);
    }

    @Test
    void nullAndEmptyAreTombstones() {
        FramedAvroSerde<CancelCommand> serde = serde(CancelCommand.class);

        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, new byte[0])).isNull();
    }

    @Test
    void readsARecordWrittenWithAnOlderSchemaThatLacksAField() {
        Schema old = parse("""
                        {"type": "record", "name": "CancelCommand", "namespace": "io.controlplane.cancel.avro", "fields": [
                            {"name": "commandId", "type": ["null", "string"], "default": null},
                            {"name": "executionId", "type": ["null", "string"], "default": null},
                            {"name": "cancelledBy", "type": ["null", "string"], "default": null},
                            {"name": "reason", "type": ["null", "string"], "default": null},
                            {"name": "requestedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
                        ]}""");
        GenericRecord record = new GenericData.Record(old);
        record.put("commandId", "c-old");
        record.put("executionId", "e-1");
        record.put("requestedAt", REQUESTED_AT.toEpochMilli());

        CancelCommand read = serde(CancelCommand.class).deserializer().deserialize(TOPIC, framed(old, record));

        assertThat(read.getCommandId()).isEqualTo("c-old");
        assertThat(read.getExecutionId()).isEqualTo("e-1");
        assertThat(read.getRequestedAt()).isEqualTo(REQUESTED_AT);
        assertThat(read.getTraceId()).isNull();
    }

    @Test
    void aStatusTheReaderDoesNotKnowBecomesUnknown() {
        Schema newer = runStateWithStatuses("\"PENDING\", \"RUNNING\", \"HIBERNATING\", \"UNKNOWN\"");
        Schema older = runStateWithStatuses("\"PENDING\", \"RUNNING\"");
        FramedAvroSerde<RunState> serde = serde(RunState.class);

        RunState unknown =
                serde.deserializer().deserialize("run-states", framed(newer, runState(newer, "HIBERNATING")));
        RunState running = serde.deserializer().deserialize("run-states", framed(older, runState(older, "RUNNING")));

        assertThat(unknown.getStatus()).isEqualTo(RunStatus.UNKNOWN);
        assertThat(unknown.getUpdatedAt()).isEqualTo(REQUESTED_AT);
        assertThat(running.getStatus()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void rejectsAWrongMagicByte() {
        byte[] bytes = serde(CancelCommand.class).serializer().serialize(TOPIC, command("c-1"));
        bytes[0] = 0x7b;

        assertThatThrownBy(() -> serde(CancelCommand.class).deserializer().deserialize(TOPIC, bytes))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessage(
                        "Record on topic cancel-commands starts with byte 0x7b, not the magic byte 0x00 of Confluent-framed Avro");
    }

    @Test
    void rejectsAPayloadTooShortForTheHeader() {
        assertThatThrownBy(() -> serde(CancelCommand.class).deserializer().deserialize(TOPIC, new byte[] {0, 0, 1}))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("is 3 bytes, too short for Confluent-framed Avro");
    }

    @Test
    void rejectsATruncatedAvroBody() {
        FramedAvroSerde<CancelCommand> serde = serde(CancelCommand.class);
        byte[] bytes = serde.serializer().serialize(TOPIC, command("c-1"));

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, Arrays.copyOf(bytes, bytes.length - 3)))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("Could not decode the record on topic cancel-commands with schema id 1: ");
    }

    @Test
    void rejectsAnUnknownSchemaId() {
        byte[] bytes = {0, 0, 0, 0, 42, 2};

        assertThatThrownBy(() -> serde(CancelCommand.class).deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .isNotInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("Unknown schema id 42");
    }

    @Test
    void rejectsARecordOfAnotherTypeInsteadOfReturningIt() {
        RunState runState = RunState.newBuilder()
                .setExecutionId("e-1")
                .setTenantId("t-1")
                .setStatus(RunStatus.RUNNING)
                .setVersion(3)
                .setUpdatedAt(REQUESTED_AT)
                .build();
        byte[] bytes = serde(RunState.class).serializer().serialize(TOPIC, runState);

        assertThatThrownBy(() -> serde(CancelCommand.class).deserializer().deserialize(TOPIC, bytes))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("schema id 1 (io.controlplane.cancel.avro.RunState)")
                .hasMessageContaining("cannot be read as io.controlplane.cancel.avro.CancelCommand");
    }

    @Test
    void rejectsARecordOfTheSameShapeUnderAnotherName() {
        // field by field this resolves; only the name tells it is not a CancelCommand
        Schema lookalike =
                parse(CancelCommand.getClassSchema().toString().replace("\"CancelCommand\"", "\"Lookalike\""));
        GenericRecord record = new GenericData.Record(lookalike);
        record.put("requestedAt", REQUESTED_AT.toEpochMilli());

        assertThatThrownBy(
                        () -> serde(CancelCommand.class).deserializer().deserialize(TOPIC, framed(lookalike, record)))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("cannot be read as io.controlplane.cancel.avro.CancelCommand");
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaIsAClearError() {
        FramedAvroSerde<CancelCommand> serde = new FramedAvroSerde<>(CancelCommand.class);
        serde.configure(
                Map.of(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                        "mock://" + SCOPE,
                        FramedAvroSerializer.AUTO_REGISTER_SCHEMAS,
                        "false"),
                false);

        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, command("c-1")))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage(
                        "Schema io.controlplane.cancel.avro.CancelCommand is not registered under subject cancel-commands-value;"
                                + " auto.register.schemas=false, so it must be registered beforehand");
    }

    @Test
    void withoutAutoRegistrationARegisteredSchemaIsUsed() {
        registry.register("unrelated", RunState.getClassSchema());
        int id = registry.register(TOPIC + "-value", CancelCommand.getClassSchema());
        FramedAvroSerde<CancelCommand> serde = new FramedAvroSerde<>(CancelCommand.class);
        serde.configure(
                Map.of(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                        "mock://" + SCOPE,
                        FramedAvroSerializer.AUTO_REGISTER_SCHEMAS,
                        false),
                false);

        byte[] bytes = serde.serializer().serialize(TOPIC, command("c-1"));

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id).isEqualTo(2);
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(command("c-1"));
    }

    @Test
    void keysAreRegisteredUnderTheKeySubject() {
        FramedAvroSerde<CancelCommand> serde = new FramedAvroSerde<>(CancelCommand.class);
        serde.configure(config(), true);

        serde.serializer().serialize(TOPIC, command("c-1"));

        assertThat(registry.idOf(TOPIC + "-key", CancelCommand.getClassSchema()))
                .isEqualTo(1);
        assertThatThrownBy(() -> registry.idOf(TOPIC + "-value", CancelCommand.getClassSchema()))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void theSameSchemaUnderTwoSubjectsHasOneId() {
        int first = registry.register("a-value", CancelCommand.getClassSchema());
        int other = registry.register("b-value", RunState.getClassSchema());
        int second = registry.register("c-value", CancelCommand.getClassSchema());

        assertThat(first).isEqualTo(second).isEqualTo(1);
        assertThat(other).isEqualTo(2);
        assertThat(registry.schemaById(2)).isEqualTo(RunState.getClassSchema());
    }

    @Test
    void theNoArgumentSerdeReadsIntoTheClassNamedByTheWriterSchema() {
        FramedAvroSerde<RunState> typed = serde(RunState.class);
        RunState runState = RunState.newBuilder()
                .setExecutionId("e-1")
                .setTenantId("t-1")
                .setStatus(RunStatus.PAUSED)
                .setVersion(7)
                .setUpdatedAt(REQUESTED_AT)
                .build();
        FramedAvroSerde<RunState> byName = new FramedAvroSerde<>();
        byName.configure(config(), false);

        assertThat(byName.deserializer()
                        .deserialize("run-states", typed.serializer().serialize("run-states", runState)))
                .isEqualTo(runState);
    }

    @Test
    void theNoArgumentSerdeRejectsAWriterSchemaWithoutAGeneratedClass() {
        Schema foreign =
                parse("{\"type\": \"record\", \"name\": \"Foreign\", \"namespace\": \"com.example\", \"fields\": []}");
        FramedAvroSerde<CancelCommand> byName = new FramedAvroSerde<>();
        byName.configure(config(), false);

        assertThatThrownBy(() ->
                        byName.deserializer().deserialize(TOPIC, framed(foreign, new GenericData.Record(foreign))))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("(com.example.Foreign), for which no generated Avro class is on the classpath");
    }

    @Test
    void theNoArgumentSerdeRefusesAWriterSchemaNamedAfterAnUntrustedClass() {
        // a class that exists but is outside the generated package: Avro refuses to load it
        Schema untrusted = parse(
                "{\"type\": \"record\", \"name\": \"ProcessBuilder\", \"namespace\": \"java.lang\", \"fields\": []}");
        byte[] record = framed(untrusted, new GenericData.Record(untrusted));
        FramedAvroSerde<CancelCommand> byName = new FramedAvroSerde<>();
        byName.configure(config(), false);

        assertThatThrownBy(() -> byName.deserializer().deserialize(TOPIC, record))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("(java.lang.ProcessBuilder), for which no generated Avro class");
    }

    @Test
    void oneInstanceServesConcurrentThreadsFromColdStart() throws Exception {
        FramedAvroSerde<CancelCommand> shared = serde(CancelCommand.class);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String prefix = "t" + t + "-";
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        CancelCommand command = command(prefix + i);
                        byte[] bytes = shared.serializer().serialize(TOPIC, command);
                        if (!command.equals(shared.deserializer().deserialize(TOPIC, bytes))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aMissingRegistryUrlIsAConfigurationError() {
        assertThatThrownBy(() -> new FramedAvroSerde<>(CancelCommand.class).configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void anUnconfiguredSerdeSaysSo() {
        assertThatThrownBy(() ->
                        new FramedAvroSerde<>(CancelCommand.class).serializer().serialize(TOPIC, command("c-1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not configured");
    }

    private static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://" + SCOPE);
        return config;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> FramedAvroSerde<T> serde(Class<T> type) {
        FramedAvroSerde<T> serde = new FramedAvroSerde<>(type);
        serde.configure(config(), false);
        return serde;
    }

    static CancelCommand command(String commandId) {
        return CancelCommand.newBuilder()
                .setCommandId(commandId)
                .setExecutionId("e-1")
                .setCancelledBy("operator-7")
                .setReason("stuck in QUEUED for 3 days")
                .setRequestedAt(REQUESTED_AT)
                .setTraceId("trace-9")
                .build();
    }

    private static byte[] plainAvro(CancelCommand command) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<CancelCommand>(CancelCommand.class).write(command, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Writes {@code record} the way another producer would: its own schema, registered under the topic. */
    private byte[] framed(Schema writer, GenericRecord record) {
        int id = registry.register(TOPIC + "-value", writer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static Schema runStateWithStatuses(String symbols) {
        return parse("""
                {"type": "record", "name": "RunState", "namespace": "io.controlplane.cancel.avro", "fields": [
                    {"name": "executionId", "type": "string"},
                    {"name": "tenantId", "type": "string"},
                    {"name": "status", "type": {"type": "enum", "name": "RunStatus", "symbols": [%s]}},
                    {"name": "version", "type": "long"},
                    {"name": "updatedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
                ]}""".formatted(symbols));
    }

    private static GenericRecord runState(Schema schema, String status) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("executionId", "e-1");
        record.put("tenantId", "t-1");
        record.put(
                "status", new GenericData.EnumSymbol(schema.getField("status").schema(), status));
        record.put("version", 1L);
        record.put("updatedAt", REQUESTED_AT.toEpochMilli());
        return record;
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
