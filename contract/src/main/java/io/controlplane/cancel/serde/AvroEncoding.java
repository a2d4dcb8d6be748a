package io.controlplane.cancel.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary encoding into a buffer each thread keeps and reuses, with a buffered encoder each
 * thread keeps too: an encoder writing straight to a {@code ByteArrayOutputStream} pays a
 * synchronized call per byte (measured: a third of the cost of writing a run's record), and a new
 * buffered encoder per record allocates a 2 KiB buffer each time.
 */
final class AvroEncoding {

    private static final ThreadLocal<AvroEncoding> PER_THREAD = ThreadLocal.withInitial(AvroEncoding::new);

    private final Buffer buffer = new Buffer();
    private final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, null);

    private AvroEncoding() {}

    /** {@code header}, then {@code datum} in Avro binary, as a new array. */
    static <T> byte[] encode(byte[] header, DatumWriter<T> writer, T datum) throws IOException {
        AvroEncoding encoding = PER_THREAD.get();
        encoding.buffer.reset();
        encoding.buffer.write(header);
        try {
            writer.write(datum, encoding.encoder);
            encoding.encoder.flush();
        } catch (IOException | RuntimeException e) {
            // whatever was buffered belongs to the failed datum: drop it with the encoder's state
            encoding.encoder.flush();
            throw e;
        }
        return encoding.buffer.toByteArray();
    }

    /** A growable byte array without the locks of {@code ByteArrayOutputStream}. */
    private static final class Buffer extends OutputStream {

        private byte[] bytes = new byte[512];
        private int size;

        void reset() {
            size = 0;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int offset, int length) {
            ensure(length);
            System.arraycopy(b, offset, bytes, size, length);
            size += length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}
