package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A record is checked against its writer schema before Avro decodes it: nothing it claims may make the
 * processor allocate more than a small multiple of its own size.
 */
class DecodingIsBoundedByTheRecordSizeTest {

    private static final String SCOPE = "decoding-is-bounded-test";
    private static final String TOPIC = "cancel-commands";
    private static final long TWO_GIB_LESS_NINE = Integer.MAX_VALUE - 8;
    /** Well above what a refused record costs (the exception and its message), far below any claim. */
    private static final long REFUSAL_ALLOCATION_BOUND = 256 * 1024;

    private static final String MAP_OF_STRINGS =
            "{\"name\": \"labels\", \"type\": {\"type\": \"map\", \"values\": \"string\"}}";
    private static final String ARRAY_OF_NULLS =
            "{\"name\": \"nothing\", \"type\": {\"type\": \"array\", \"items\": \"null\"}}";

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(SCOPE);
    private final Map<Class<?>, FramedAvroDeserializer<?>> deserializers = new HashMap<>();

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void anElevenByteCommandWhoseCommandIdClaimsTwoGibibytesIsRefused() {
        // commandId: union branch 1 (string), then a length of 2^31-9 bytes, and nothing after it
        byte[] record = framed(CancelCommand.getClassSchema(), bytes(varint(1), varint(TWO_GIB_LESS_NINE)));
        assertThat(record).hasSize(11);

        assertRefused(() -> deserialize(CancelCommand.class, record))
                .hasMessageContaining("topic cancel-commands")
                .hasMessageContaining("schema id 1")
                .hasMessageContaining("CancelCommand.commandId claims 2147483639 bytes, 0 bytes left");
    }

    @Test
    void aGrantWhoseRolesArrayClaimsTwoGibiItemsIsRefused() {
        byte[] record = framed(OperatorGrant.getClassSchema(), bytes(string("alice"), varint(TWO_GIB_LESS_NINE)));

        assertRefused(() -> deserialize(OperatorGrant.class, record))
                .hasMessageContaining("OperatorGrant.roles claims 2147483639 items")
                .hasMessageContaining("0 bytes left");
    }

    @Test
    void anArrayBlockWithANegativeCountAndALyingByteSizeIsRefused() {
        // a negative count is followed by the block's size in bytes, which readers use to skip it
        byte[] tooLong = bytes(string("alice"), varint(-1), varint(1_000), string("operator"), varint(0), varint(0));
        byte[] tooShort = bytes(string("alice"), varint(-1), varint(2), string("operator"), varint(0), varint(0));
        byte[] exact = bytes(string("alice"), varint(-1), varint(9), string("operator"), varint(0), varint(0));

        assertRefused(() -> deserialize(OperatorGrant.class, framed(OperatorGrant.getClassSchema(), tooLong)))
                .hasMessageContaining("OperatorGrant.roles block claims 1000 bytes");
        assertRefused(() -> deserialize(OperatorGrant.class, framed(OperatorGrant.getClassSchema(), tooShort)))
                .hasMessageContaining("OperatorGrant.roles block claims 2 bytes, its 1 items take 9");
        OperatorGrant read = deserialize(OperatorGrant.class, framed(OperatorGrant.getClassSchema(), exact));
        assertThat(read.getRoles()).containsExactly("operator");
    }

    @Test
    void aMapBlockTheReaderSkipsWithALyingByteSizeIsRefused() {
        // the reader has no "labels" field, so Avro would skip the block by its claimed size
        Schema writer = commandWithExtraField(MAP_OF_STRINGS);
        byte[] lying = bytes(command("c-1"), varint(-1), varint(3), string("team"), string("payments"), varint(0));
        byte[] exact = bytes(command("c-1"), varint(-1), varint(14), string("team"), string("payments"), varint(0));

        assertRefused(() -> deserialize(CancelCommand.class, framed(writer, lying)))
                .hasMessageContaining("CancelCommand.labels block claims 3 bytes, its 1 items take 14");
        assertThat(deserialize(CancelCommand.class, framed(writer, exact)).getCommandId())
                .isEqualTo("c-1");
    }

    @Test
    void aNegativeBlockCountThatCannotBeNegatedIsRefused() {
        byte[] record =
                framed(OperatorGrant.getClassSchema(), bytes(string("alice"), varint(Long.MIN_VALUE), varint(0)));

        assertRefused(() -> deserialize(OperatorGrant.class, record)).hasMessageContaining("invalid block count");
    }

    @Test
    void anArrayOfNullsClaimingTwoToTheSixtySecondItemsIsRefused() {
        Schema writer = commandWithExtraField(ARRAY_OF_NULLS);
        byte[] record = framed(writer, bytes(command("c-1"), varint(1L << 62), varint(0)));

        assertRefused(() -> deserialize(CancelCommand.class, record))
                .hasMessageContaining("CancelCommand.nothing claims 4611686018427387904 items that take no bytes");
    }

    @Test
    void manySmallBlocksOfNullsCannotAddUpToMoreItemsThanTheRecordHasBytes() {
        Schema writer = commandWithExtraField(ARRAY_OF_NULLS);
        byte[] fewNulls = bytes(command("c-1"), varint(3), varint(4), varint(0));
        byte[] blocks = new byte[400];
        for (int i = 0; i < blocks.length; i += 2) {
            System.arraycopy(varint(100), 0, blocks, i, 2);
        }

        byte[] manyNulls = framed(writer, bytes(command("c-1"), blocks, varint(0)));

        assertThat(deserialize(CancelCommand.class, framed(writer, fewNulls)).getCommandId())
                .isEqualTo("c-1");
        assertRefused(() -> deserialize(CancelCommand.class, manyNulls))
                .hasMessageContaining("items that take no bytes");
    }

    @Test
    void nestingDeeperThanTheBoundIsRefusedBeforeAvroRecursesIntoIt() {
        Schema writer = commandWithExtraField(
                "{\"name\": \"chain\", \"default\": null, \"type\": [\"null\", {\"type\": \"record\","
                        + " \"name\": \"Link\", \"fields\": ["
                        + "{\"name\": \"next\", \"type\": [\"null\", \"Link\"]}]}]}");
        byte[] links = new byte[100_000];
        Arrays.fill(links, (byte) 2); // union branch 1: another Link, 100,000 deep
        byte[] shallow = framed(writer, bytes(command("c-1"), varint(1), varint(1), varint(0)));
        byte[] deep = framed(writer, bytes(command("c-1"), links, varint(0)));

        assertThat(deserialize(CancelCommand.class, shallow).getCommandId()).isEqualTo("c-1");
        assertRefused(() -> deserialize(CancelCommand.class, deep))
                .hasMessageContaining("Link nests deeper than " + WriterSchemaBounds.MAX_DEPTH + " levels");
    }

    @Test
    void unionAndEnumIndexesOutOfRangeAreRefused() {
        byte[] badUnion = bytes(varint(2));
        // executionId "e", tenantId "t", status index 12 of 12 symbols, version 1, updatedAt 0, no parent, no deadline
        byte[] badEnum = bytes(string("e"), string("t"), varint(12), varint(1), varint(0), varint(0), varint(0));
        // every field null, requested at 0, then mode's enum branch with index 2 of 2 symbols (CancelMode
        // has no enum default)
        byte[] badMode = bytes(
                varint(0), varint(0), varint(0), varint(0), varint(0), varint(0), varint(0), varint(2), varint(0),
                varint(0));

        assertRefused(() -> deserialize(CancelCommand.class, framed(CancelCommand.getClassSchema(), badUnion)))
                .hasMessageContaining("CancelCommand.commandId: union index 2, but 2 branches");
        assertRefused(() -> deserialize(RunState.class, framed(RunState.getClassSchema(), badEnum)))
                .hasMessageContaining("RunState.status: enum index 12, but 12 symbols");
        assertRefused(() -> deserialize(CancelCommand.class, framed(CancelCommand.getClassSchema(), badMode)))
                .hasMessageContaining("CancelCommand.mode: enum index 2, but 2 symbols");
    }

    @Test
    void negativeLengthsAndOverlongVarintsAreRefused() {
        byte[] negative = bytes(varint(1), varint(-5));
        byte[] overlong = bytes(varint(0), varint(0), varint(0), varint(0), new byte[] {
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            0
        });

        assertRefused(() -> deserialize(CancelCommand.class, framed(CancelCommand.getClassSchema(), negative)))
                .hasMessageContaining("CancelCommand.commandId has a negative length -5");
        assertRefused(() -> deserialize(CancelCommand.class, framed(CancelCommand.getClassSchema(), overlong)))
                .hasMessageContaining("CancelCommand.requestedAt: a varint longer than 10 bytes");
    }

    @Test
    void aFixedPastTheEndIsRefused() {
        Schema writer = commandWithExtraField(
                "{\"name\": \"digest\", \"type\": {\"type\": \"fixed\", \"name\": \"Sha256\", \"size\": 32}}");

        assertRefused(() -> deserialize(CancelCommand.class, framed(writer, bytes(command("c-1"), new byte[5]))))
                .hasMessageContaining("CancelCommand.digest needs 32 bytes, 5 bytes left");
    }

    @Test
    void aStoreValueReadBackIsBoundedToo() {
        AvroBinarySerde<OperatorGrant> serde = new AvroBinarySerde<>(OperatorGrant.class);
        byte[] value = bytes(string("alice"), varint(TWO_GIB_LESS_NINE));

        assertRefused(() -> serde.deserializer().deserialize("grants-store-changelog", value))
                .hasMessageContaining("grants-store-changelog")
                .hasMessageContaining("OperatorGrant.roles claims 2147483639 items");
    }

    /**
     * Asserts that decoding fails as a SerializationException and, once the reader for the schema exists
     * (the first call builds it), allocates next to nothing doing so.
     */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Executable decode) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(thrownBy(decode)).isExactlyInstanceOf(UndecodableRecordException.class);
        long before = threads.getCurrentThreadAllocatedBytes();
        Throwable thrown = thrownBy(decode);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated while refusing").isLessThan(REFUSAL_ALLOCATION_BOUND);
        return assertThat(thrown).isExactlyInstanceOf(UndecodableRecordException.class);
    }

    private static Throwable thrownBy(Executable decode) {
        try {
            decode.execute();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> T deserialize(Class<T> type, byte[] record) {
        FramedAvroDeserializer<T> deserializer =
                (FramedAvroDeserializer<T>) deserializers.computeIfAbsent(type, t -> configured(type));
        return deserializer.deserialize(TOPIC, record);
    }

    private static <T extends SpecificRecord> FramedAvroDeserializer<T> configured(Class<T> type) {
        FramedAvroDeserializer<T> deserializer = new FramedAvroDeserializer<>(type);
        deserializer.configure(Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false);
        return deserializer;
    }

    /**
     * A CancelCommand with this command id, requested at 0, mode FORCE (the union's enum branch 0,
     * then enum index 0) and every other field null; its fields in order: commandId, executionId,
     * cancelledBy, reason, requestedAt, traceId, mode, graceMs, notBefore.
     */
    private static byte[] command(String commandId) {
        return bytes(
                varint(1),
                string(commandId),
                varint(0),
                varint(0),
                varint(0),
                varint(0),
                varint(0),
                varint(0),
                varint(0),
                varint(0),
                varint(0));
    }

    /** CancelCommand's fields plus one more at the end (a reader without it skips it), under the same name. */
    private static Schema commandWithExtraField(String field) {
        String schema = CancelCommand.getClassSchema().toString();
        return new Schema.Parser().parse(schema.replaceFirst("]}$", "," + field + "]}"));
    }

    private byte[] framed(Schema writer, byte[] body) {
        int id = registry.register(TOPIC + "-value", writer);
        return bytes(new byte[] {0}, ByteBuffer.allocate(4).putInt(id).array(), body);
    }

    static byte[] varint(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((zigzag & ~0x7fL) != 0) {
            out.write((int) ((zigzag & 0x7f) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
        return out.toByteArray();
    }

    private static byte[] string(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return bytes(varint(utf8.length), utf8);
    }

    private static byte[] bytes(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
