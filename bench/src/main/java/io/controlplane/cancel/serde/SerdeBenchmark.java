package io.controlplane.cancel.serde;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The processor's serdes on one record each, as the topology uses them: Confluent-framed Avro for
 * the input topics (a command, a run state) against an in-memory registry (ids cached after the
 * first record, as with the REST one), the plain Avro binary of the run-state store, and the
 * {@link WriterSchemaBounds} walk that every framed record goes through before Avro decodes it.
 *
 * <p>In the product's package, although it lives in the bench module, because the bounds check is
 * package-private there: it is measured without widening the product's API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SerdeBenchmark {

    private static final String COMMANDS = "controlplane.execution.cancel.commands";
    private static final String RUN_STATES = "controlplane.execution.run-states";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private final CancelCommand command = new CancelCommand(
            "cmd-4711",
            "run-4711",
            "alice",
            "stuck in a retry loop",
            NOW.minusMillis(20),
            "trace-4711",
            CancelMode.FORCE,
            null,
            null);
    private final RunState runState = new RunState("run-4711", "acme", RunStatus.RUNNING, 3L, NOW, null, null);

    private final FramedAvroSerializer<CancelCommand> commandSerializer = new FramedAvroSerializer<>();
    private final FramedAvroDeserializer<CancelCommand> commandDeserializer =
            new FramedAvroDeserializer<>(CancelCommand.class);
    private final FramedAvroSerializer<RunState> runStateSerializer = new FramedAvroSerializer<>();
    private final FramedAvroDeserializer<RunState> runStateDeserializer = new FramedAvroDeserializer<>(RunState.class);
    private final AvroBinarySerde<RunState> storeSerde = new AvroBinarySerde<>(RunState.class);
    private final Serializer<RunState> storeSerializer = storeSerde.serializer();
    private final Deserializer<RunState> storeDeserializer = storeSerde.deserializer();
    private final WriterSchemaBounds commandBounds = WriterSchemaBounds.of(CancelCommand.getClassSchema());

    private byte[] framedCommand;
    private byte[] framedRunState;
    private byte[] storedRunState;

    @Setup
    public void configure() {
        Map<String, String> registry = Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://jmh-serde");
        commandSerializer.configure(registry, false);
        commandDeserializer.configure(registry, false);
        runStateSerializer.configure(registry, false);
        runStateDeserializer.configure(registry, false);
        framedCommand = commandSerializer.serialize(COMMANDS, command);
        framedRunState = runStateSerializer.serialize(RUN_STATES, runState);
        storedRunState = storeSerializer.serialize(RUN_STATES, runState);
    }

    @Benchmark
    public byte[] framedSerializeCommand() {
        return commandSerializer.serialize(COMMANDS, command);
    }

    @Benchmark
    public CancelCommand framedDeserializeCommand() {
        return commandDeserializer.deserialize(COMMANDS, framedCommand);
    }

    @Benchmark
    public byte[] framedSerializeRunState() {
        return runStateSerializer.serialize(RUN_STATES, runState);
    }

    @Benchmark
    public RunState framedDeserializeRunState() {
        return runStateDeserializer.deserialize(RUN_STATES, framedRunState);
    }

    @Benchmark
    public byte[] storeSerializeRunState() {
        return storeSerializer.serialize(RUN_STATES, runState);
    }

    @Benchmark
    public RunState storeDeserializeRunState() {
        return storeDeserializer.deserialize(RUN_STATES, storedRunState);
    }

    /** The check alone, on the framed command's Avro body: part of what framedDeserializeCommand costs. */
    @Benchmark
    public void boundsCheckCommand(Blackhole consumed) {
        commandBounds.check(framedCommand, FramedAvroSerializer.HEADER_LENGTH, framedCommand.length);
        consumed.consume(framedCommand);
    }
}
