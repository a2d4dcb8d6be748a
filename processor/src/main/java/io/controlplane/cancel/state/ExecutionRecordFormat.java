package io.controlplane.cancel.state;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.serde.VersionedAvroFormat;

/**
 * How an {@link ExecutionRecord} is kept in the store {@code cancel-executions} and its changelog:
 * versioned ({@link VersionedAvroFormat}), with every version's schema kept under
 * {@code /state/execution-record-vN.avsc}, so that a value written by any earlier version reads on.
 * {@code ExecutionRecordFormatTest} fails until a changed record is kept as a new version.
 *
 * <p>Not thread-safe: each processor instance has its own.
 */
public final class ExecutionRecordFormat {

    public static final String SCHEMAS = "/state/execution-record";

    // the record holds the contract's records (run states, cancellations, commands)
    private final VersionedAvroFormat<ExecutionRecord> format =
            new VersionedAvroFormat<>(ExecutionRecord.class, SCHEMAS, RunState.class);

    public byte[] encode(ExecutionRecord record) {
        return format.encode(record);
    }

    /** @throws io.controlplane.cancel.serde.UndecodableRecordException if it is not a record of a known version */
    public ExecutionRecord decode(byte[] bytes) {
        return format.decode(bytes);
    }

    public int currentVersion() {
        return format.currentVersion();
    }
}
