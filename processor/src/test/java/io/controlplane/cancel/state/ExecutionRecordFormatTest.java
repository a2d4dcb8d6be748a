package io.controlplane.cancel.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
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

    private static final long VERSION_3_FINGERPRINT = -6233122271943246364L;

    /**
     * {@link #full()} as format version 1 wrote it (produced by that version's encoder, not by this
     * one): stores and changelogs of a running deployment hold such values, and they must read on.
     * Version 1 could express neither bulkIds nor any part of cancellation over time.
     */
    static final String VERSION_1_OF_FULL =
            "01020a616c69636506632d3180d8b4bcc768010a72756e2d311074656e616e742d610e52554e4e494e470680d8b4bcc7"
                    + "680110706172656e742d31010a72756e2d311074656e616e742d611243414e43454c4c45440e52554e4e494e4780d8b4"
                    + "bcc7680a616c696365010a737475636b06632d31080106742d3100020106632d32010a72756e2d310106626f620080d8"
                    + "b4bcc76800a0f4b5bcc768040e6368696c642d310e6368696c642d32040a72756e2d311074656e616e742d611243414e"
                    + "43454c4c45440e52554e4e494e4780d8b4bcc7680a616c696365010a737475636b06632d31080106742d31001a677261"
                    + "6e64706172656e742d311074656e616e742d621243414e43454c4c45440c50415553454482d8b4bcc7680a6361726f6c"
                    + "0022632d332f6772616e64706172656e742d310e000114616e636573746f722d31";

    /**
     * {@link #full()} as format version 2 wrote it: produced by version 2's encoder (ExecutionRecordFormat
     * at commit 92348b1, run by a throwaway test in a checkout of that commit on that commit's full(),
     * which is this full() without the parts of cancellation over time), not by this one. Deployments
     * upgraded from version 2 hold such values: they must read on, bulkIds and all.
     */
    static final String VERSION_2_OF_FULL =
            "02020a616c69636506632d3180d8b4bcc768010a72756e2d311074656e616e742d610e52554e4e494e470680d8b4bcc7"
                    + "680110706172656e742d31010a72756e2d311074656e616e742d611243414e43454c4c45440e52554e4e494e4780d8b4"
                    + "bcc7680a616c696365010a737475636b06632d31080106742d310000020106632d32010a72756e2d310106626f620080"
                    + "d8b4bcc76800a0f4b5bcc768040e6368696c642d310e6368696c642d32040a72756e2d311074656e616e742d61124341"
                    + "4e43454c4c45440e52554e4e494e4780d8b4bcc7680a616c696365010a737475636b06632d31080106742d3100001a67"
                    + "72616e64706172656e742d311074656e616e742d621243414e43454c4c45440c50415553454482d8b4bcc7680a636172"
                    + "6f6c0022632d332f6772616e64706172656e742d310e000114616e636573746f722d310106632d33";

    private final ExecutionRecordFormat format = new ExecutionRecordFormat();

    /**
     * The format writes the record's fields by hand, in the schema's order: a change to the record
     * (or to a contract record it holds) must come with a new format version, and this fails until
     * the fingerprint below is that of the version written.
     */
    @Test
    void aChangedRecordSchemaNeedsANewFormatVersion() {
        assertThat(ExecutionRecordFormat.CURRENT_VERSION).isEqualTo((byte) 3);
        assertThat(SchemaNormalization.parsingFingerprint64(ExecutionRecord.getClassSchema()))
                .as("ExecutionRecord's schema as format version 3 writes it")
                .isEqualTo(VERSION_3_FINGERPRINT);
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
        // the version, then one byte per part: five counts (decided, waiting, held, children, passes)
        // and three presence flags (upstream, cancellation, cancelling)
        assertThat(format.encode(empty)).hasSizeLessThanOrEqualTo(9);
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

    /**
     * Version 1 was written before RunStateChange had a bulkId, and before cancellation over time:
     * its changes read with no bulkId, and the rest as in {@link #aValueWrittenByVersion2ReadsOnWithItsBulkIdsAndNoTimers}.
     */
    @Test
    void aValueWrittenByVersion1ReadsOnWithoutBulkIds() {
        ExecutionRecord expected = asVersion2WroteIt(full());
        expected.getCancellation().setBulkId(null);
        expected.getPasses().forEach(pass -> pass.setBulkId(null));

        assertThat(format.decode(HexFormat.of().parseHex(VERSION_1_OF_FULL))).isEqualTo(expected);
    }

    /**
     * Version 2 was written before cancellation over time: its value reads as a record from before
     * there was any (no deadline, nothing escalated, every command FORCE with no grace and no
     * schedule, no graceful cancel pending, nothing held), with its bulkIds kept.
     */
    @Test
    void aValueWrittenByVersion2ReadsOnWithItsBulkIdsAndNoTimers() {
        ExecutionRecord expected = asVersion2WroteIt(full());
        assertThat(expected.getPasses().get(1).getBulkId())
                .as("a bulkId to keep")
                .isEqualTo("c-3");

        assertThat(format.decode(HexFormat.of().parseHex(VERSION_2_OF_FULL))).isEqualTo(expected);
    }

    /** {@code record} with what version 2 could not express at the values a version 2 value reads with. */
    static ExecutionRecord asVersion2WroteIt(ExecutionRecord record) {
        record.getUpstream().setDeadlineAt(null);
        // the cancellation is also the first pass (the same object): both read not escalated
        record.getCancellation().setEscalated(false);
        record.getPasses().forEach(pass -> pass.setEscalated(false));
        record.getWaiting().forEach(waiting -> {
            waiting.getCommand().setMode(CancelMode.FORCE);
            waiting.getCommand().setGraceMs(null);
            waiting.getCommand().setNotBefore(null);
        });
        record.setCancelling(null);
        record.setHeld(new ArrayList<>());
        return record;
    }

    static ExecutionRecord full() {
        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        RunState upstream =
                new RunState("run-1", "tenant-a", RunStatus.RUNNING, 3L, at, "parent-1", at.plusSeconds(3600));
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
                .setEscalated(true)
                .build();
        CancelCommand waiting = CancelCommand.newBuilder()
                .setCommandId("c-2")
                .setExecutionId("run-1")
                .setCancelledBy("bob")
                .setReason(null)
                .setRequestedAt(at)
                .setTraceId(null)
                .setMode(CancelMode.GRACEFUL)
                .setGraceMs(30_000L)
                .setNotBefore(at.minusSeconds(5))
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
        RunStateChange cancelling = RunStateChange.newBuilder()
                .setExecutionId("run-1")
                .setTenantId("tenant-a")
                .setStatus(RunStatus.CANCELLING)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(at.minusSeconds(20))
                .setCancelledBy("dave")
                .setReason("drain first")
                .setCommandId("c-5/run-1")
                .setVersion(4L)
                .setTraceId("t-4")
                .setCascadedFrom(null)
                .setBulkId("c-5")
                .build();
        // two held commands, so that their order is kept too; one takes the default grace (graceMs null)
        CancelCommand heldForce = CancelCommand.newBuilder()
                .setCommandId("c-6")
                .setExecutionId("run-1")
                .setCancelledBy("erin")
                .setReason("tonight")
                .setRequestedAt(at)
                .setTraceId("t-6")
                .setMode(CancelMode.FORCE)
                .setGraceMs(null)
                .setNotBefore(at.plusSeconds(7200))
                .build();
        CancelCommand heldGraceful = CancelCommand.newBuilder()
                .setCommandId("c-7")
                .setExecutionId("run-1")
                .setCancelledBy("frank")
                .setReason(null)
                .setRequestedAt(at.plusMillis(3))
                .setTraceId(null)
                .setMode(CancelMode.GRACEFUL)
                .setGraceMs(null)
                .setNotBefore(at.plusSeconds(60))
                .build();
        // Every part present at once, so that each is shown to read back; not a record the processor
        // would hold (a run CANCELLED has no graceful cancel pending): the format does not judge.
        return new ExecutionRecord(
                new ArrayList<>(List.of(new DecidedCommand("alice", "c-1", at.toEpochMilli()))),
                upstream,
                cancellation,
                new ArrayList<>(List.of(new WaitingCommand(waiting, at.toEpochMilli() + 10_000))),
                new GracefulCancel(cancelling, at.toEpochMilli() + 10_000),
                new ArrayList<>(List.of(
                        new HeldCommand(heldForce, heldForce.getNotBefore().toEpochMilli()),
                        new HeldCommand(
                                heldGraceful, heldGraceful.getNotBefore().toEpochMilli()))),
                new ArrayList<>(List.of("child-1", "child-2")),
                new ArrayList<>(List.of(cancellation, cascaded)));
    }
}
