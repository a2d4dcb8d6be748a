package io.controlplane.cancel.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.serde.UndecodableRecordException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class ExecutionRecordFormatTest {

    private static final long VERSION_2_FINGERPRINT = -8437390032611586729L;

    /**
     * {@link #full()} as format version 1 wrote it (produced by that version's encoder, not by this
     * one): stores and changelogs of a running deployment hold such values, and they must read on.
     */
    static final String VERSION_1_OF_FULL =
            "01020a616c69636506632d3180d8b4bcc768010a72756e2d311074656e616e742d610e52554e4e494e470680d8b4bcc7"
                    + "680110706172656e742d31010a72756e2d311074656e616e742d611243414e43454c4c45440e52554e4e494e4780d8b4"
                    + "bcc7680a616c696365010a737475636b06632d31080106742d3100020106632d32010a72756e2d310106626f620080d8"
                    + "b4bcc76800a0f4b5bcc768040e6368696c642d310e6368696c642d32040a72756e2d311074656e616e742d611243414e"
                    + "43454c4c45440e52554e4e494e4780d8b4bcc7680a616c696365010a737475636b06632d31080106742d31001a677261"
                    + "6e64706172656e742d311074656e616e742d621243414e43454c4c45440c50415553454482d8b4bcc7680a6361726f6c"
                    + "0022632d332f6772616e64706172656e742d310e000114616e636573746f722d31";

    private final ExecutionRecordFormat format = new ExecutionRecordFormat();

    /**
     * The format writes the record's fields by hand, in the schema's order: a change to the record
     * (or to a contract record it holds) must come with a new format version, and this fails until
     * the fingerprint below is that of the version written.
     */
    @Test
    void aChangedRecordSchemaNeedsANewFormatVersion() {
        assertThat(ExecutionRecordFormat.CURRENT_VERSION).isEqualTo((byte) 2);
        assertThat(SchemaNormalization.parsingFingerprint64(ExecutionRecord.getClassSchema()))
                .as("ExecutionRecord's schema as format version 2 writes it")
                .isEqualTo(VERSION_2_FINGERPRINT);
    }

    @Test
    void aRecordWithEveryPartReadsBackEqual() {
        ExecutionRecord record = full();
        assertThat(format.decode(format.encode(record))).isEqualTo(record);
    }

    @Test
    void anEmptyRecordTakesAFewBytes() {
        ExecutionRecord empty = new ExecutionRecord(
                new ArrayList<>(),
                null,
                null,
                new ArrayList<>(),
                null,
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>());
        assertThat(format.encode(empty)).hasSizeLessThanOrEqualTo(7);
        assertThat(format.decode(format.encode(empty))).isEqualTo(empty);
    }

    @Test
    void aValueOfAnUnknownVersionOrCutShortIsUndecodableNotAnythingElse() {
        byte[] valid = format.encode(full());
        byte[] future = valid.clone();
        future[0] = (byte) (ExecutionRecordFormat.CURRENT_VERSION + 1);
        assertThatThrownBy(() -> format.decode(future)).isInstanceOf(UndecodableRecordException.class);
        assertThatThrownBy(() -> format.decode(new byte[0])).isInstanceOf(UndecodableRecordException.class);
        for (int length = 1; length < valid.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> format.decode(cut)).isInstanceOf(UndecodableRecordException.class);
        }
    }

    /** Version 1 was written before RunStateChange had a bulkId: its changes read with none. */
    @Test
    void aValueWrittenByVersion1ReadsOnWithoutBulkIds() {
        ExecutionRecord expected = full();
        expected.getCancellation().setBulkId(null);
        expected.getPasses().forEach(pass -> pass.setBulkId(null));

        assertThat(format.decode(HexFormat.of().parseHex(VERSION_1_OF_FULL))).isEqualTo(expected);
    }

    static ExecutionRecord full() {
        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        RunState upstream = new RunState("run-1", "tenant-a", RunStatus.RUNNING, 3L, at, "parent-1", null);
        RunStateChange cancellation = RunStateChange.newBuilder()
                .setExecutionId("run-1")
                .setTenantId("tenant-a")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(at)
                .setCancelledBy("alice")
                .setReason("stuck")
                .setCommandId("c-1")
                .setVersion(4L)
                .setTraceId("t-1")
                .build();
        CancelCommand waiting = CancelCommand.newBuilder()
                .setCommandId("c-2")
                .setExecutionId("run-1")
                .setCancelledBy("bob")
                .setReason(null)
                .setRequestedAt(at)
                .setTraceId(null)
                .build();
        RunStateChange cascaded = RunStateChange.newBuilder()
                .setExecutionId("grandparent-1")
                .setTenantId("tenant-b")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.PAUSED)
                .setCancelledAt(at.plusMillis(1))
                .setCancelledBy("carol")
                .setReason(null)
                .setCommandId("c-3/grandparent-1")
                .setVersion(7L)
                .setTraceId(null)
                .setCascadedFrom("ancestor-1")
                .setBulkId("c-3")
                .build();
        return new ExecutionRecord(
                new ArrayList<>(List.of(new DecidedCommand("alice", "c-1", at.toEpochMilli()))),
                upstream,
                cancellation,
                new ArrayList<>(List.of(new WaitingCommand(waiting, at.toEpochMilli() + 10_000))),
                null,
                new ArrayList<>(),
                new ArrayList<>(List.of("child-1", "child-2")),
                new ArrayList<>(List.of(cancellation, cascaded)));
    }
}
