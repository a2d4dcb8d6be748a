package io.controlplane.cancel.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A value kept in a store and its changelog, which only this processor reads: one byte of format
 * version, then the record in plain Avro binary with that version's schema. Every version's schema
 * is kept as a resource ({@code <resourcePrefix>-v<N>.avsc}, N from 1) and never changed, so a value
 * written by any earlier version is read with its own schema and resolved to the current one
 * (Avro's schema resolution: new fields take their defaults). The newest resource is the version
 * written; changing the record means adding a resource.
 *
 * <p>Not thread-safe: each user has its own (it reuses its decoder).
 */
public final class VersionedAvroFormat<T extends SpecificRecord> {

    private final Schema schema;
    private final List<Version<T>> versions;
    private final SpecificDatumWriter<T> writer;
    private final byte[] header;
    private BinaryDecoder decoder;

    private record Version<T>(SpecificDatumReader<T> reader, WriterSchemaBounds bounds) {}

    /**
     * @param trusted classes whose packages the record's fields hold records of (Avro refuses to
     *     make instances of untrusted classes)
     */
    public VersionedAvroFormat(Class<T> type, String resourcePrefix, Class<?>... trusted) {
        TrustedAvroPackages.trustPackageOf(type);
        for (Class<?> other : trusted) {
            TrustedAvroPackages.trustPackageOf(other);
        }
        SpecificData model = SpecificData.getForClass(type);
        schema = model.getSchema(type);
        List<Version<T>> kept = new ArrayList<>();
        for (Schema written : schemas(resourcePrefix)) {
            kept.add(new Version<>(new SpecificDatumReader<>(written, schema, model), WriterSchemaBounds.of(written)));
        }
        if (kept.isEmpty() || kept.size() > Byte.MAX_VALUE) {
            throw new IllegalStateException("No schema versions (1 to 127) kept at " + resourcePrefix);
        }
        versions = List.copyOf(kept);
        header = new byte[] {(byte) kept.size()};
        writer = new SpecificDatumWriter<>(schema, model);
    }

    /** The schemas kept at {@code resourcePrefix}, oldest first. */
    public static List<Schema> schemas(String resourcePrefix) {
        List<Schema> schemas = new ArrayList<>();
        for (int n = 1; ; n++) {
            try (InputStream in = VersionedAvroFormat.class.getResourceAsStream(resourcePrefix + "-v" + n + ".avsc")) {
                if (in == null) {
                    return schemas;
                }
                schemas.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The version this writes: the newest kept. */
    public int currentVersion() {
        return versions.size();
    }

    public byte[] encode(T record) {
        try {
            return AvroEncoding.encode(header, writer, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @throws UndecodableRecordException if the bytes are not a record of a known version (a
     *     changelog is a topic too: its values are checked against their schema before decoding)
     */
    public T decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] < 1 || bytes[0] > versions.size()) {
            throw new UndecodableRecordException("Not a " + schema.getName() + " of a known format version ("
                    + (bytes.length == 0 ? "empty" : "version " + bytes[0]) + ")");
        }
        Version<T> version = versions.get(bytes[0] - 1);
        try {
            version.bounds().check(bytes, 1, bytes.length);
            decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, decoder);
            return version.reader().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableRecordException("Could not decode a " + schema.getName() + ": " + e.getMessage());
        }
    }
}
