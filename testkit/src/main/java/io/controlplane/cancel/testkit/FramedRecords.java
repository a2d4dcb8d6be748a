package io.controlplane.cancel.testkit;

import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Confluent-framed Avro records written field by field, so that a test knows where each length
 * (of a string, or of an array block) sits and can make it claim what it likes.
 */
public final class FramedRecords {

    /** A framed record and the offsets of the length varints in it. */
    public record Framed(byte[] bytes, List<Integer> lengthOffsets) {}

    /** Integer.MAX_VALUE - 8: the largest array the JVM allocates, and Avro's default limit. */
    public static final long HUGE_LENGTH = (1L << 31) - 9;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    private final List<Integer> lengthOffsets = new ArrayList<>();

    private FramedRecords(int schemaId) {
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
    }

    /**
     * A CancelCommand, as CancelCommand.avsc orders its fields ({@code mode}, {@code graceMs} and
     * {@code notBefore} may be null, the rest are written as given).
     */
    public static Framed command(
            int schemaId,
            String commandId,
            String executionId,
            String cancelledBy,
            String reason,
            long requestedAt,
            String traceId,
            CancelMode mode,
            Long graceMs,
            Long notBefore) {
        FramedRecords record = new FramedRecords(schemaId);
        record.optionalString(commandId)
                .optionalString(executionId)
                .optionalString(cancelledBy)
                .optionalString(reason)
                .longValue(requestedAt)
                .optionalString(traceId);
        // mode is [CancelMode, null]: the enum is branch 0
        (mode == null ? record.intValue(1) : record.intValue(0).intValue(mode.ordinal()))
                .optionalLong(graceMs)
                .optionalLong(notBefore);
        return record.framed();
    }

    /**
     * A RunState, as RunState.avsc orders its fields ({@code parentExecutionId} may be null). A record
     * that lacked a field of today's schema would be undecodable before any mutation, so HostileInputIT
     * checks these bytes against the generated class's serializer.
     */
    public static Framed runState(
            int schemaId,
            String executionId,
            String tenantId,
            RunStatus status,
            long version,
            long updatedAt,
            String parentExecutionId,
            Long deadlineAt) {
        FramedRecords record = new FramedRecords(schemaId);
        record.string(executionId)
                .string(tenantId)
                .intValue(status.ordinal())
                .longValue(version)
                .longValue(updatedAt)
                .optionalString(parentExecutionId)
                .optionalLong(deadlineAt);
        return record.framed();
    }

    /** An OperatorGrant, as OperatorGrant.avsc orders its fields. */
    public static Framed grant(int schemaId, String actorId, List<String> roles, List<String> tenants) {
        FramedRecords record = new FramedRecords(schemaId);
        record.string(actorId).strings(roles).strings(tenants);
        return record.framed();
    }

    /** 11 bytes: framing, then a commandId (union branch 1, a string) that claims {@link #HUGE_LENGTH} bytes. */
    public static byte[] commandClaimingHugeCommandId(int schemaId) {
        FramedRecords record = new FramedRecords(schemaId);
        record.intValue(1).longValue(HUGE_LENGTH);
        return record.framed().bytes();
    }

    /** A grant of {@code actorId} whose roles array claims {@link #HUGE_LENGTH} items, and has none. */
    public static byte[] grantClaimingHugeRoles(int schemaId, String actorId) {
        FramedRecords record = new FramedRecords(schemaId);
        record.string(actorId).longValue(HUGE_LENGTH);
        return record.framed().bytes();
    }

    /**
     * {@code bytes} as a reader of {@code type} would decode them, if framed with {@code schemaId}
     * (today's schema of {@code type}); empty where Avro fails on them. Each length and count is first
     * checked against the bytes left (read with Avro's own varint decoding), so that no claim makes
     * this test allocate what the record does not hold.
     */
    public static <T extends SpecificRecord> Optional<T> decoded(Class<T> type, int schemaId, byte[] bytes) {
        if (bytes == null
                || bytes.length < 5
                || bytes[0] != 0
                || ByteBuffer.wrap(bytes, 1, 4).getInt() != schemaId) {
            return Optional.empty();
        }
        Schema schema = SpecificData.get().getSchema(type);
        ByteArrayInputStream claims = new ByteArrayInputStream(bytes, 5, bytes.length - 5);
        try {
            if (!claimsFit(schema, DecoderFactory.get().directBinaryDecoder(claims, null), claims)) {
                return Optional.empty();
            }
            return Optional.of(new SpecificDatumReader<T>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null)));
        } catch (IOException | RuntimeException undecodable) {
            return Optional.empty();
        }
    }

    /** Whether each length and count in the datum of {@code schema} at the decoder's position fits in what is left. */
    private static boolean claimsFit(Schema schema, Decoder decoder, ByteArrayInputStream left) throws IOException {
        switch (schema.getType()) {
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    if (!claimsFit(field.schema(), decoder, left)) {
                        return false;
                    }
                }
                return true;
            }
            case STRING -> {
                int length = decoder.readInt();
                if (length < 0 || length > left.available()) {
                    return false;
                }
                decoder.skipFixed(length);
                return true;
            }
            case UNION -> {
                int branch = decoder.readIndex();
                return branch >= 0
                        && branch < schema.getTypes().size()
                        && claimsFit(schema.getTypes().get(branch), decoder, left);
            }
            case ARRAY -> {
                for (long items = decoder.readArrayStart(); items != 0; items = decoder.arrayNext()) {
                    // every item of the cancel schemas' arrays (strings) takes a byte at least
                    if (items < 0 || items > left.available()) {
                        return false;
                    }
                    for (long item = 0; item < items; item++) {
                        if (!claimsFit(schema.getElementType(), decoder, left)) {
                            return false;
                        }
                    }
                }
                return true;
            }
            case LONG -> {
                decoder.readLong();
                return true;
            }
            case INT, ENUM -> {
                decoder.readInt();
                return true;
            }
            case NULL -> {
                return true;
            }
            default -> throw new IllegalArgumentException(schema.getType() + " is in none of the cancel schemas");
        }
    }

    /** Avro's zigzag varint of {@code value}, as lengths and counts are written. */
    public static byte[] varint(long value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            BinaryEncoder varint = EncoderFactory.get().directBinaryEncoder(bytes, null);
            varint.writeLong(value);
            varint.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private FramedRecords optionalString(String value) {
        if (value == null) {
            return intValue(0);
        }
        return intValue(1).string(value);
    }

    private FramedRecords optionalLong(Long value) {
        if (value == null) {
            return intValue(0);
        }
        return intValue(1).longValue(value);
    }

    private FramedRecords string(String value) {
        lengthOffsets.add(out.size());
        return write(() -> encoder.writeString(value));
    }

    private FramedRecords strings(List<String> values) {
        write(encoder::writeArrayStart);
        lengthOffsets.add(out.size());
        write(() -> encoder.setItemCount(values.size()));
        for (String value : values) {
            write(encoder::startItem);
            string(value);
        }
        return write(encoder::writeArrayEnd);
    }

    private FramedRecords intValue(int value) {
        return write(() -> encoder.writeInt(value));
    }

    private FramedRecords longValue(long value) {
        return write(() -> encoder.writeLong(value));
    }

    private Framed framed() {
        return new Framed(out.toByteArray(), List.copyOf(lengthOffsets));
    }

    private FramedRecords write(Write write) {
        try {
            write.run();
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private interface Write {
        void run() throws IOException;
    }
}
