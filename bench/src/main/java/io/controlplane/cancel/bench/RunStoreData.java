package io.controlplane.cancel.bench;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.serde.AvroBinarySerde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys and values like those of the processor's per-run store: the key an execution id (a UUID,
 * 36 bytes), the value a run state, the cancel command that decided it (both in the stores' plain
 * Avro) and the ids of two commands remembered for deduplication: about 300 bytes, field values as
 * varied as real ones (tenants, actors and reasons from small sets, ids and trace ids unique), so
 * that compression meets realistic bytes. Entry {@code i} is
 * always the same; entries from {@code n} up are never written by a load of {@code n}, so they miss.
 */
final class RunStoreData {

    private static final Instant START = Instant.parse("2026-11-25T00:00:00Z");
    private static final RunStatus[] STATUSES = RunStatus.values();
    private static final String[] REASONS = {
        "stuck in a retry loop",
        "wrong input dataset",
        "superseded by a newer run",
        "runaway cost, over the tenant's budget for today",
        "operator request",
        "waiting on an approval that will not come",
        "duplicate submission from the scheduler",
        "customer asked to stop the job, ticket attached",
    };

    private final Serializer<RunState> runStates = new AvroBinarySerde<>(RunState.class).serializer();
    private final Serializer<CancelCommand> commands = new AvroBinarySerde<>(CancelCommand.class).serializer();

    static Bytes key(long i) {
        return Bytes.wrap(id(i).getBytes(StandardCharsets.US_ASCII));
    }

    byte[] value(long i) {
        String executionId = id(i);
        Instant updated = START.plusMillis(i * 37);
        RunState run = new RunState(
                executionId,
                "tenant-" + (i % 20),
                STATUSES[(int) (i % 10)],
                1 + i % 7,
                updated,
                i % 3 == 0 ? id(i / 3 + 7_000_000_000L) : null,
                null);
        CancelCommand command = new CancelCommand(
                id(i + 9_000_000_000L),
                executionId,
                "operator-" + (i % 50),
                REASONS[(int) (i % REASONS.length)],
                updated.plusMillis(250),
                Long.toHexString(mix(i ^ 0x5DEECE66DL)) + Long.toHexString(mix(i + 11)),
                CancelMode.FORCE,
                null,
                null);
        return concat(
                runStates.serialize(null, run),
                commands.serialize(null, command),
                remembered(id(i + 10_000_000_000L)),
                remembered(id(i + 11_000_000_000L)));
    }

    /** A command id as Avro writes a string: its length, then its bytes. */
    private static byte[] remembered(String commandId) {
        byte[] id = commandId.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[id.length + 1];
        bytes[0] = (byte) (id.length * 2); // Avro's zig-zag varint, one byte for lengths under 64
        System.arraycopy(id, 0, bytes, 1, id.length);
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] value = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, value, at, part.length);
            at += part.length;
        }
        return value;
    }

    private static String id(long i) {
        return new UUID(mix(i), mix(~i)).toString();
    }

    /** SplitMix64's finalizer: distinct inputs, well-spread outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
