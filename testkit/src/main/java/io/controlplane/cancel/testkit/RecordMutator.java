package io.controlplane.cancel.testkit;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Breaks validly framed records the ways a fuzzer does: bit flips, truncation, inserted bytes, and
 * lengths rewritten to claim far more (or less) than the record holds. Seeded, so a failure replays.
 */
public final class RecordMutator {

    private final Random random;

    public RecordMutator(long seed) {
        this.random = new Random(seed);
    }

    /** One to three mutations of {@code record}; never empty (an empty value reads as no value at all). */
    public byte[] mutate(FramedRecords.Framed record) {
        byte[] bytes =
                random.nextInt(4) == 0 ? rewriteLength(record) : record.bytes().clone();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            bytes = switch (random.nextInt(3)) {
                case 0 -> flipBits(bytes);
                case 1 -> truncate(bytes);
                default -> insertBytes(bytes);
            };
            if (random.nextBoolean()) {
                break;
            }
        }
        return bytes;
    }

    /** True once in {@code odds} calls, on average. */
    public boolean oneIn(int odds) {
        return random.nextInt(odds) == 0;
    }

    public byte[] randomBytes(int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A 128-bit random id in hex: no bit flip of one turns it into another of them. */
    public String randomId() {
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    private byte[] flipBits(byte[] bytes) {
        byte[] flipped = bytes.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(flipped.length * 8);
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return flipped;
    }

    private byte[] truncate(byte[] bytes) {
        return bytes.length <= 1 ? bytes : Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length - 1));
    }

    private byte[] insertBytes(byte[] bytes) {
        int at = random.nextInt(bytes.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(randomBytes(16));
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    /** One length varint of the record replaced by a claim: huge, negative, or just past the end. */
    private byte[] rewriteLength(FramedRecords.Framed record) {
        byte[] bytes = record.bytes();
        int at =
                record.lengthOffsets().get(random.nextInt(record.lengthOffsets().size()));
        int end = at;
        while (end < bytes.length - 1 && (bytes[end] & 0x80) != 0) {
            end++;
        }
        end++;
        long remaining = bytes.length - end;
        long[] claims = {
            FramedRecords.HUGE_LENGTH,
            Integer.MAX_VALUE,
            Long.MAX_VALUE,
            1L << 40,
            -1,
            Integer.MIN_VALUE,
            remaining + 1 + random.nextInt(1_000),
            64L * 1024 * 1024
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(FramedRecords.varint(claims[random.nextInt(claims.length)]));
        out.write(bytes, end, bytes.length - end);
        return out.toByteArray();
    }
}
