package io.controlplane.cancel.bench;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.testkit.FramedRecords;
import io.controlplane.cancel.testkit.RecordMutator;
import io.controlplane.cancel.topology.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records that all end on the dead-letter queue, one kind per input path, for the dead-letter rate:
 * undecodable commands and run states (not Confluent-framed), commands whose schema id the registry
 * does not know (each one a lookup), and run states that decode but cannot be trusted (keyed by
 * another execution than they name).
 */
final class HostileWorkload {

    /** One way of being bad: which input topic, and the i-th record's key and value. */
    record Kind(String name, boolean commands, LongFunction<byte[]> key, LongFunction<byte[]> value) {}

    /** HostileInputIT's seed, runs and fuzz: the dead-letter rate is measured on what that test sends. */
    private static final long FUZZ_SEED = 20261125L;

    private static final int FUZZ_RUNS = 20;

    private final Topics topics;

    HostileWorkload(Topics topics) {
        this.topics = topics;
    }

    Kind undecodableCommands() {
        return new Kind("undecodable commands", true, HostileWorkload::key, HostileWorkload::garbage);
    }

    Kind undecodableRunStates() {
        return new Kind("undecodable run states", false, HostileWorkload::key, HostileWorkload::garbage);
    }

    /** Confluent-framed, with a schema id the registry does not know (a different one each time). */
    Kind unknownSchemaIdCommands() {
        return new Kind(
                "commands with unknown schema ids",
                true,
                HostileWorkload::key,
                i -> ByteBuffer.allocate(9)
                        .put((byte) 0)
                        .putInt(1_000_000 + (int) i)
                        .putInt(42)
                        .array());
    }

    Kind untrustworthyRunStates() {
        Instant now = Instant.now();
        return new Kind(
                "run states keyed by another execution",
                false,
                HostileWorkload::key,
                i -> topics.runStates
                        .valueSerde()
                        .serializer()
                        .serialize(
                                topics.runStates.name(),
                                new RunState("other-" + i, "acme", RunStatus.RUNNING, 1L, now, null, null)));
    }

    /**
     * HostileInputIT's fuzz of run states: a valid run state of today's schema, framed field by field
     * and mutated by its RecordMutator (bit flips, truncation, inserted bytes, lying lengths); one key in
     * twenty random bytes. Generated ahead, as the IT does, with the IT's seed.
     */
    Kind fuzzedRunStates(int count) {
        int schemaId = schemaId(topics.runStates
                .valueSerde()
                .serializer()
                .serialize(
                        topics.runStates.name(),
                        new RunState("x", "acme", RunStatus.RUNNING, 1L, Instant.now(), null, null)));
        RecordMutator mutator = new RecordMutator(FUZZ_SEED + 2);
        long now = Instant.now().toEpochMilli();
        byte[][] keys = new byte[count][];
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            String executionId = "fuzz-state-" + i % FUZZ_RUNS;
            values[i] = mutator.mutate(FramedRecords.runState(
                    schemaId,
                    executionId,
                    "acme",
                    RunStatus.RUNNING,
                    i,
                    now,
                    i % 2 == 0 ? null : "fuzz-parent-" + i % FUZZ_RUNS,
                    null));
            keys[i] = mutator.oneIn(20) ? mutator.randomBytes(32) : executionId.getBytes(StandardCharsets.UTF_8);
        }
        return new Kind("HostileInputIT's fuzzed run states", false, i -> keys[(int) i], i -> values[(int) i]);
    }

    /** HostileInputIT's fuzz of commands, as {@link #fuzzedRunStates(int)} (keys here always the run's). */
    Kind fuzzedCommands(int count) {
        int schemaId = schemaId(topics.commands
                .valueSerde()
                .serializer()
                .serialize(
                        topics.commands.name(),
                        new CancelCommand("x", "x", "alice", null, Instant.now(), null, CancelMode.FORCE, null, null)));
        RecordMutator mutator = new RecordMutator(FUZZ_SEED + 1);
        long now = Instant.now().toEpochMilli();
        byte[][] keys = new byte[count][];
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            String executionId = "fuzz-run-" + i % FUZZ_RUNS;
            values[i] = mutator.mutate(FramedRecords.command(
                    schemaId,
                    "fuzz-" + mutator.randomId(),
                    executionId,
                    "alice",
                    "fuzz",
                    now,
                    "fuzz-" + i,
                    CancelMode.FORCE,
                    null,
                    null));
            keys[i] = executionId.getBytes(StandardCharsets.UTF_8);
        }
        return new Kind("HostileInputIT's fuzzed commands", true, i -> keys[(int) i], i -> values[(int) i]);
    }

    private static int schemaId(byte[] framed) {
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    /** Writes {@code count} records of {@code kind} to {@code topic}. */
    static void preload(String bootstrapServers, String topic, Kind kind, long count) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(
                        topic, kind.key().apply(i), kind.value().apply(i)));
            }
        }
    }

    private static byte[] key(long i) {
        return ("bad-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] garbage(long i) {
        return ("not avro at all, record " + i).getBytes(StandardCharsets.UTF_8);
    }
}
