package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Valid commands, run states and grants with random bit flips, inserted and deleted bytes, truncations
 * and rewritten varints either decode or fail as a SerializationException, nothing else, and the thread
 * that decodes them allocates no more than a constant plus a multiple of the record's size. Both paths
 * are tried: framed input (writer schema from the registry) and plain store values.
 */
class MutatedRecordsDecodeInBoundedMemoryProperties {

    private static final String SCOPE = "mutated-records-properties";
    /**
     * A safety bound, not a measurement: the most seen here was about 8 KiB per record (the decoder,
     * the record's objects, or a refusal's exception and message), whatever the record claimed.
     */
    private static final long CONSTANT_ALLOWANCE = 64 * 1024;

    private static final long ALLOWANCE_PER_RECORD_BYTE = 16;
    /** Lengths and counts that attack decoders: 2^31-9, 2^62, the extremes, -1. */
    private static final List<Long> HOSTILE_VARINTS =
            List.of((long) Integer.MAX_VALUE - 8, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -1L, 0L, 1_000_000L);

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final FramedAvroSerde<SpecificRecord> framed = new FramedAvroSerde<>();
    private final Map<Class<?>, AvroBinarySerde<?>> stores = Map.of(
            CancelCommand.class, new AvroBinarySerde<>(CancelCommand.class),
            RunState.class, new AvroBinarySerde<>(RunState.class),
            OperatorGrant.class, new AvroBinarySerde<>(OperatorGrant.class));

    MutatedRecordsDecodeInBoundedMemoryProperties() {
        framed.configure(Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false);
        // build every reader once, so that what is measured is the decoding, not the set-up
        for (SpecificRecord valid : List.of(command("c", "e", "r"), runState("e", "t"), grant("a", List.of("r")))) {
            byte[] bytes = framed.serializer().serialize("in", valid);
            framed.deserializer().deserialize("in", bytes);
            store(valid).deserializer().deserialize("in", Arrays.copyOfRange(bytes, 5, bytes.length));
        }
    }

    @AfterContainer
    static void dropRegistry() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    // the hostile values are generated on purpose (HOSTILE_VARINTS); jqwik's edge cases would outnumber the tries
    @Property(tries = 2500, edgeCases = EdgeCasesMode.NONE)
    void aMutatedRecordDecodesOrIsRefusedWithinBoundedMemory(
            @ForAll("records") SpecificRecord valid, @ForAll("mutations") List<Mutation> mutations) {
        byte[] framedBytes = framed.serializer().serialize("in", valid);
        byte[] storedBytes = Arrays.copyOfRange(framedBytes, 5, framedBytes.length);
        for (Mutation mutation : mutations) {
            framedBytes = mutation.apply(framedBytes, 5);
            storedBytes = mutation.apply(storedBytes, 0);
        }

        decodesOrIsRefusedWithinBounds(
                framedBytes, bytes -> framed.deserializer().deserialize("in", bytes));
        decodesOrIsRefusedWithinBounds(
                storedBytes, bytes -> store(valid).deserializer().deserialize("in", bytes));
    }

    /**
     * Decodes twice and measures the second time: the first run of a code path also pays once for
     * linking it (string concatenation call sites, classes of exceptions), which no record repeats.
     */
    private static void decodesOrIsRefusedWithinBounds(byte[] bytes, Function<byte[], Object> decode) {
        Throwable first = thrownBy(bytes, decode);
        if (first != null) {
            assertThat(first).isInstanceOf(SerializationException.class);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        thrownBy(bytes, decode);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated)
                .as("bytes allocated decoding a %d-byte record", bytes.length)
                .isLessThanOrEqualTo(CONSTANT_ALLOWANCE + ALLOWANCE_PER_RECORD_BYTE * bytes.length);
    }

    private static Throwable thrownBy(byte[] bytes, Function<byte[], Object> decode) {
        try {
            decode.apply(bytes);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private AvroBinarySerde<?> store(SpecificRecord record) {
        return stores.get(record.getClass());
    }

    @Provide
    Arbitrary<SpecificRecord> records() {
        Arbitrary<String> ids = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<String> texts = Arbitraries.strings().ofMaxLength(600);
        return Arbitraries.oneOf(
                Combinators.combine(ids, ids, texts).as(MutatedRecordsDecodeInBoundedMemoryProperties::command),
                Combinators.combine(ids, ids).as(MutatedRecordsDecodeInBoundedMemoryProperties::runState),
                Combinators.combine(ids, ids.list().ofMaxSize(12))
                        .as(MutatedRecordsDecodeInBoundedMemoryProperties::grant));
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> positions = Arbitraries.integers().greaterOrEqual(0);
        Arbitrary<Mutation> one = Arbitraries.oneOf(
                Combinators.combine(positions, Arbitraries.integers().between(0, 7))
                        .as(BitFlip::new),
                Combinators.combine(positions, Arbitraries.bytes()).as(Insert::new),
                positions.map(Delete::new),
                positions.map(Truncate::new),
                Combinators.combine(positions, Arbitraries.oneOf(Arbitraries.of(HOSTILE_VARINTS), Arbitraries.longs()))
                        .as(VarintRewrite::new));
        return one.list().ofMinSize(1).ofMaxSize(6);
    }

    /** One change to the bytes; positions are taken modulo the length, at or after {@code from}. */
    sealed interface Mutation {
        byte[] apply(byte[] bytes, int from);

        static int at(int position, byte[] bytes, int from) {
            return bytes.length <= from ? bytes.length : from + position % (bytes.length - from);
        }
    }

    record BitFlip(int position, int bit) implements Mutation {
        @Override
        public byte[] apply(byte[] bytes, int from) {
            if (bytes.length <= from) {
                return bytes;
            }
            byte[] flipped = bytes.clone();
            flipped[Mutation.at(position, bytes, from)] ^= (byte) (1 << bit);
            return flipped;
        }
    }

    record Insert(int position, byte value) implements Mutation {
        @Override
        public byte[] apply(byte[] bytes, int from) {
            int at = Mutation.at(position, bytes, from);
            byte[] longer = new byte[bytes.length + 1];
            System.arraycopy(bytes, 0, longer, 0, at);
            longer[at] = value;
            System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
            return longer;
        }
    }

    record Delete(int position) implements Mutation {
        @Override
        public byte[] apply(byte[] bytes, int from) {
            if (bytes.length <= from) {
                return bytes;
            }
            int at = Mutation.at(position, bytes, from);
            byte[] shorter = new byte[bytes.length - 1];
            System.arraycopy(bytes, 0, shorter, 0, at);
            System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
            return shorter;
        }
    }

    record Truncate(int position) implements Mutation {
        @Override
        public byte[] apply(byte[] bytes, int from) {
            return Arrays.copyOf(bytes, Mutation.at(position, bytes, from));
        }
    }

    /** Replaces the varint (a run of bytes with the high bit set, then one without) at a position. */
    record VarintRewrite(int position, long value) implements Mutation {
        @Override
        public byte[] apply(byte[] bytes, int from) {
            int at = Mutation.at(position, bytes, from);
            int end = at;
            while (end < bytes.length && end - at < 10 && (bytes[end] & 0x80) != 0) {
                end++;
            }
            end = Math.min(end + 1, bytes.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(bytes, 0, at);
            out.writeBytes(DecodingIsBoundedByTheRecordSizeTest.varint(value));
            out.write(bytes, end, bytes.length - end);
            return out.toByteArray();
        }
    }

    private static CancelCommand command(String commandId, String executionId, String reason) {
        return CancelCommand.newBuilder()
                .setCommandId(commandId)
                .setExecutionId(executionId)
                .setCancelledBy("operator-7")
                .setReason(reason)
                .setRequestedAt(Instant.ofEpochMilli(1_700_000_000_123L))
                .setTraceId("trace-9")
                .build();
    }

    private static RunState runState(String executionId, String tenantId) {
        return RunState.newBuilder()
                .setExecutionId(executionId)
                .setTenantId(tenantId)
                .setStatus(RunStatus.RUNNING)
                .setVersion(42)
                .setUpdatedAt(Instant.ofEpochMilli(1_700_000_000_123L))
                .build();
    }

    private static OperatorGrant grant(String actorId, List<String> roles) {
        return OperatorGrant.newBuilder()
                .setActorId(actorId)
                .setRoles(roles)
                .setTenants(List.of("*", "t-1"))
                .build();
    }
}
