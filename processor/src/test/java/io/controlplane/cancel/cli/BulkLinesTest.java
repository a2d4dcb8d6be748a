package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RejectionCode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BulkProgressTest {

    private static BulkCancelProgress record(String bulkId, int partition, BulkState state, long... counts) {
        return builder(bulkId, partition, state, counts).build();
    }

    private static BulkCancelProgress.Builder builder(String bulkId, int partition, BulkState state, long... counts) {
        return BulkCancelProgress.newBuilder()
                .setBulkId(bulkId)
                .setPartition(partition)
                .setState(state)
                .setScanned(counts[0])
                .setMatched(counts[1])
                .setCancelled(counts[2])
                .setAlreadyTerminal(counts[3])
                .setNotFound(counts[4])
                .setDryRun(false)
                .setUpdatedAt(Instant.parse("2026-11-25T18:00:00Z"));
    }

    private static BulkCancelProgress rejection(String bulkId) {
        return builder(bulkId, -1, BulkState.REJECTED, 0, 0, 0, 0, 0)
                .setCode(RejectionCode.UNAUTHORIZED)
                .setMessage("Expected actor 'mallory' to hold the 'admin' role to cancel executions, but it does not.")
                .build();
    }

    @Test
    void sumsTheLatestRecordOfEachPartition() {
        BulkProgress progress = new BulkProgress("b-1", 6);
        progress.accept(record("b-1", 0, BulkState.RUNNING, 10, 8, 8, 0, 0));
        progress.accept(record("b-1", 0, BulkState.DONE, 20000, 15000, 15000, 1, 2));
        progress.accept(record("b-1", 1, BulkState.DONE, 16234, 12210, 12210, 0, 0));
        progress.accept(record("b-1", 2, BulkState.DONE, 15000, 13000, 13000, 0, 0));
        progress.accept(record("b-1", 3, BulkState.RUNNING, 0, 0, 0, 0, 0));

        assertThat(progress.line())
                .isEqualTo("bulk b-1: [#####.....] 3/6 partitions done, scanned 51234, matched 40210, "
                        + "cancelled 40210, already terminal 1, not found 2");
        assertThat(progress.end()).isEmpty();
    }

    @Test
    void recordsOfOtherBulksAreNotCounted() {
        BulkProgress progress = new BulkProgress("b-1", 1);
        assertThat(progress.accept(record("b-2", 0, BulkState.DONE, 5, 5, 5, 0, 0)))
                .isFalse();
        assertThat(progress.accept(rejection("b-2"))).isFalse();
        assertThat(progress.heard()).isFalse();
        assertThat(progress.line()).contains("0/1 partitions done, scanned 0,");
        assertThat(progress.end()).isEmpty();
    }

    @Test
    void doneWhenEveryPartitionIsDone() {
        BulkProgress progress = new BulkProgress("b-1", 3);
        progress.accept(record("b-1", 0, BulkState.DONE, 3, 2, 2, 0, 0));
        progress.accept(record("b-1", 2, BulkState.DONE, 3, 2, 2, 0, 0));
        assertThat(progress.end()).isEmpty();
        progress.accept(record("b-1", 1, BulkState.DONE, 4, 1, 1, 0, 0));

        assertThat(progress.end()).contains(BulkProgress.End.DONE);
        assertThat(progress.cancelled()).isEqualTo(5);
        assertThat(progress.line()).startsWith("bulk b-1: [##########] 3/3 partitions done, scanned 10, matched 5,");
    }

    @Test
    void abortedWhenEveryPartitionEndedAndOneByAnAbort() {
        BulkProgress progress = new BulkProgress("b-1", 3);
        progress.accept(record("b-1", 0, BulkState.DONE, 3, 2, 2, 0, 0));
        progress.accept(record("b-1", 1, BulkState.ABORTED, 1, 1, 1, 0, 0));
        progress.accept(record("b-1", 2, BulkState.PAUSED, 2, 2, 2, 0, 0));
        assertThat(progress.end()).isEmpty();
        assertThat(progress.line()).endsWith("not found 0, 1 paused, 1 aborted");

        progress.accept(record("b-1", 2, BulkState.ABORTED, 2, 2, 2, 0, 0));
        assertThat(progress.end()).contains(BulkProgress.End.ABORTED);
        assertThat(progress.line()).startsWith("bulk b-1: [###.......] 1/3 partitions done,");
    }

    @Test
    void aRejectionOfTheBulkAsAWholeEndsIt() {
        BulkProgress progress = new BulkProgress("b-1", 3);
        assertThat(progress.accept(rejection("b-1"))).isTrue();
        assertThat(progress.end()).contains(BulkProgress.End.REJECTED);
        assertThat(BulkProgress.rejected(progress.rejection()))
                .isEqualTo("REJECTED UNAUTHORIZED bulk b-1: Expected actor 'mallory' to hold the 'admin' role to "
                        + "cancel executions, but it does not.");
    }

    @Test
    void aRejectionAfterATaskStartedTheBulkIsAnotherCommandsNotTheBulks() {
        BulkProgress progress = new BulkProgress("b-1", 1);
        progress.accept(record("b-1", 0, BulkState.RUNNING, 1, 1, 1, 0, 0));
        assertThat(progress.accept(rejection("b-1"))).isFalse();
        assertThat(progress.end()).isEmpty();
    }

    @Test
    void theBarHasAMarkPerTenthOfThePartitionsDoneFullOnlyWhenAllAre() {
        assertThat(BulkProgress.bar(0, 6)).isEqualTo("[..........]");
        assertThat(BulkProgress.bar(1, 6)).isEqualTo("[#.........]");
        assertThat(BulkProgress.bar(3, 6)).isEqualTo("[#####.....]");
        assertThat(BulkProgress.bar(5, 6)).isEqualTo("[########..]");
        assertThat(BulkProgress.bar(6, 6)).isEqualTo("[##########]");
        assertThat(BulkProgress.bar(29, 30)).isEqualTo("[#########.]");
        assertThat(BulkProgress.bar(7, 6)).isEqualTo("[##########]");
        assertThat(BulkProgress.bar(0, 0)).isEqualTo("[..........]");
    }
}
