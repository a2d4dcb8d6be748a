package io.controlplane.cancel.state;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.serde.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How an {@link ExecutionRecord} is kept in the store {@code cancel-executions} and its changelog:
 * one byte of format version, then the record's fields in the order of its schema
 * ({@code src/main/avro/ExecutionRecord.avsc}), each as Avro's binary encoding would write it
 * (zig-zag varints; strings as a length and UTF-8; an optional value as a presence flag), with
 * enum symbols by name so that a symbol added to the contract never changes what a stored one means.
 *
 * <p>Written by hand rather than with Avro's datum writer and reader, measured: every input record
 * reads and writes its run's record, and Avro's generic path (unions, logical types, a reader per
 * nested record) cost several microseconds each way, as much as everything else the processor does
 * for a record; this costs a fraction of one. It is read as hostile input all the same (a changelog
 * is a topic too): every length is checked against what is left, and anything else is
 * {@link UndecodableRecordException}.
 *
 * <p>Versioned: {@link #decode} reads every version ever written (so far 1 to 3); a change to the
 * record is a new version, written from then on, with the reading of the earlier ones kept. Version 2
 * appended {@code bulkId} to each RunStateChange (the cancellation and the passes); a version 1 value
 * reads with none, as it was written before there were bulk cancels. Version 3 (cancellation over
 * time) appended {@code escalated} to each RunStateChange, {@code deadlineAt} to the run state,
 * {@code mode}, {@code graceMs} and {@code notBefore} to each waiting command, and added the pending
 * graceful cancel and the held commands after the waiting ones; an earlier value reads as written
 * before there were any: not escalated, no deadline, FORCE, nothing pending or held.
 *
 * <p>Not thread-safe: each processor instance has its own (it reuses its buffer).
 */
public final class ExecutionRecordFormat {

    /** The version {@link #encode} writes. */
    public static final byte CURRENT_VERSION = 3;

    /** The first version whose RunStateChanges carry a bulkId. */
    private static final byte WITH_BULK_ID = 2;

    /** The first version with cancellation over time (graceful, scheduled, deadlines). */
    private static final byte WITH_TIMERS = 3;

    private static final CancelMode[] MODES = CancelMode.values();

    /** No record needs more: four ids of 256 characters per entry, at most a few hundred entries. */
    private static final int MAX_COLLECTION = 100_000;

    private static final RunStatus[] STATUSES = RunStatus.values();

    private byte[] buffer = new byte[256];
    private int size;

    public byte[] encode(ExecutionRecord record) {
        size = 0;
        buffer[size++] = CURRENT_VERSION;
        List<DecidedCommand> decided = record.getDecided();
        writeLong(decided.size());
        for (DecidedCommand command : decided) {
            writeString(command.getCancelledBy());
            writeString(command.getCommandId());
            writeLong(command.getDecidedAtMs());
        }
        RunState upstream = record.getUpstream();
        writeBoolean(upstream != null);
        if (upstream != null) {
            writeRunState(upstream);
        }
        RunStateChange cancellation = record.getCancellation();
        writeBoolean(cancellation != null);
        if (cancellation != null) {
            writeChange(cancellation);
        }
        List<WaitingCommand> waiting = record.getWaiting();
        writeLong(waiting.size());
        for (WaitingCommand command : waiting) {
            writeCommand(command.getCommand());
            writeLong(command.getDeadlineMs());
        }
        GracefulCancel cancelling = record.getCancelling();
        writeBoolean(cancelling != null);
        if (cancelling != null) {
            writeChange(cancelling.getChange());
            writeLong(cancelling.getEscalateAtMs());
        }
        List<HeldCommand> held = record.getHeld();
        writeLong(held.size());
        for (HeldCommand command : held) {
            writeCommand(command.getCommand());
            writeLong(command.getFireAtMs());
        }
        List<String> children = record.getChildren();
        writeLong(children.size());
        for (String child : children) {
            writeString(child);
        }
        List<RunStateChange> passes = record.getPasses();
        writeLong(passes.size());
        for (RunStateChange pass : passes) {
            writeChange(pass);
        }
        return Arrays.copyOf(buffer, size);
    }

    /** @throws UndecodableRecordException if the bytes are not a record of a known version */
    public ExecutionRecord decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] < 1 || bytes[0] > CURRENT_VERSION) {
            throw new UndecodableRecordException("Not an execution record of a known format version ("
                    + (bytes.length == 0 ? "empty" : "version " + bytes[0]) + ")");
        }
        try {
            Reader in = new Reader(bytes, 1, bytes[0]);
            int decidedCount = in.count();
            List<DecidedCommand> decided = new ArrayList<>(decidedCount);
            for (int i = 0; i < decidedCount; i++) {
                decided.add(new DecidedCommand(in.string(), in.string(), in.readLong()));
            }
            RunState upstream = in.bool() ? in.runState() : null;
            RunStateChange cancellation = in.bool() ? in.change() : null;
            int waitingCount = in.count();
            List<WaitingCommand> waiting = new ArrayList<>(waitingCount);
            for (int i = 0; i < waitingCount; i++) {
                waiting.add(new WaitingCommand(in.command(), in.readLong()));
            }
            GracefulCancel cancelling = null;
            List<HeldCommand> held = new ArrayList<>();
            if (in.withTimers) {
                cancelling = in.bool() ? new GracefulCancel(in.change(), in.readLong()) : null;
                int heldCount = in.count();
                for (int i = 0; i < heldCount; i++) {
                    held.add(new HeldCommand(in.command(), in.readLong()));
                }
            }
            int childCount = in.count();
            List<String> children = new ArrayList<>(childCount);
            for (int i = 0; i < childCount; i++) {
                children.add(in.string());
            }
            int passCount = in.count();
            List<RunStateChange> passes = new ArrayList<>(passCount);
            for (int i = 0; i < passCount; i++) {
                passes.add(in.change());
            }
            if (in.position != bytes.length) {
                throw new UndecodableRecordException(
                        "An execution record has " + (bytes.length - in.position) + " bytes after its end");
            }
            return new ExecutionRecord(decided, upstream, cancellation, waiting, cancelling, held, children, passes);
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException | NullPointerException e) {
            throw new UndecodableRecordException("Could not decode an execution record: " + e);
        }
    }

    private void writeRunState(RunState state) {
        writeString(state.getExecutionId());
        writeString(state.getTenantId());
        writeString(state.getStatus().name());
        writeLong(state.getVersion());
        writeLong(state.getUpdatedAt().toEpochMilli());
        writeOptional(state.getParentExecutionId());
        writeOptionalTime(state.getDeadlineAt());
    }

    private void writeChange(RunStateChange change) {
        writeString(change.getExecutionId());
        writeString(change.getTenantId());
        writeString(change.getStatus().name());
        writeString(change.getPreviousStatus().name());
        writeLong(change.getCancelledAt().toEpochMilli());
        writeString(change.getCancelledBy());
        writeOptional(change.getReason());
        writeString(change.getCommandId());
        writeLong(change.getVersion());
        writeOptional(change.getTraceId());
        writeOptional(change.getCascadedFrom());
        writeOptional(change.getBulkId());
        writeBoolean(change.getEscalated());
    }

    private void writeCommand(CancelCommand command) {
        writeOptional(command.getCommandId());
        writeOptional(command.getExecutionId());
        writeOptional(command.getCancelledBy());
        writeOptional(command.getReason());
        writeLong(command.getRequestedAt().toEpochMilli());
        writeOptional(command.getTraceId());
        // kept as the mode it stands for: a command without one is FORCE
        writeString(
                command.getMode() == null
                        ? CancelMode.FORCE.name()
                        : command.getMode().name());
        writeOptionalLong(command.getGraceMs());
        writeOptionalTime(command.getNotBefore());
    }

    private void writeOptionalTime(Instant value) {
        writeOptionalLong(value == null ? null : value.toEpochMilli());
    }

    private void writeOptionalLong(Long value) {
        writeBoolean(value != null);
        if (value != null) {
            writeLong(value);
        }
    }

    private void writeOptional(String value) {
        writeBoolean(value != null);
        if (value != null) {
            writeString(value);
        }
    }

    private void writeBoolean(boolean value) {
        ensure(1);
        buffer[size++] = (byte) (value ? 1 : 0);
    }

    private void writeString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeLong(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buffer, size, utf8.length);
        size += utf8.length;
    }

    /** Zig-zag varint, as Avro writes a long. */
    private void writeLong(long value) {
        ensure(10);
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buffer[size++] = (byte) n;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    /** Reads what the writer above wrote, checking every length against what is left. */
    private static final class Reader {

        private final byte[] bytes;
        private final boolean withBulkId;
        private final boolean withTimers;
        private int position;

        Reader(byte[] bytes, int position, byte version) {
            this.bytes = bytes;
            this.position = position;
            this.withBulkId = version >= WITH_BULK_ID;
            this.withTimers = version >= WITH_TIMERS;
        }

        RunState runState() {
            return new RunState(
                    string(),
                    string(),
                    status(),
                    readLong(),
                    Instant.ofEpochMilli(readLong()),
                    optional(),
                    withTimers ? optionalTime() : null);
        }

        RunStateChange change() {
            return new RunStateChange(
                    string(),
                    string(),
                    status(),
                    status(),
                    Instant.ofEpochMilli(readLong()),
                    string(),
                    optional(),
                    string(),
                    readLong(),
                    optional(),
                    optional(),
                    withBulkId ? optional() : null,
                    withTimers && bool());
        }

        CancelCommand command() {
            return new CancelCommand(
                    optional(),
                    optional(),
                    optional(),
                    optional(),
                    Instant.ofEpochMilli(readLong()),
                    optional(),
                    withTimers ? mode() : CancelMode.FORCE,
                    withTimers ? optionalLong() : null,
                    withTimers ? optionalTime() : null);
        }

        CancelMode mode() {
            String name = string();
            for (CancelMode mode : MODES) {
                if (mode.name().equals(name)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("unknown cancel mode " + name.length() + " characters long");
        }

        Long optionalLong() {
            return bool() ? readLong() : null;
        }

        Instant optionalTime() {
            return bool() ? Instant.ofEpochMilli(readLong()) : null;
        }

        RunStatus status() {
            String name = string();
            for (RunStatus status : STATUSES) {
                if (status.name().equals(name)) {
                    return status;
                }
            }
            throw new IllegalArgumentException("unknown run status " + name.length() + " characters long");
        }

        int count() {
            long count = readLong();
            if (count < 0 || count > MAX_COLLECTION || count > bytes.length - position) {
                throw new IllegalArgumentException("a collection of " + count + " entries");
            }
            return (int) count;
        }

        boolean bool() {
            byte flag = bytes[position++];
            if (flag != 0 && flag != 1) {
                throw new IllegalArgumentException("a presence flag of " + flag);
            }
            return flag == 1;
        }

        String optional() {
            return bool() ? string() : null;
        }

        String string() {
            long length = readLong();
            if (length < 0 || length > bytes.length - position) {
                throw new IllegalArgumentException(
                        "a string of " + length + " bytes with " + (bytes.length - position) + " left");
            }
            String value = new String(bytes, position, (int) length, StandardCharsets.UTF_8);
            position += (int) length;
            return value;
        }

        long readLong() {
            long n = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = bytes[position++];
                n |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (n >>> 1) ^ -(n & 1);
                }
            }
            throw new IllegalArgumentException("a varint longer than a long");
        }
    }
}
