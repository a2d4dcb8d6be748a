package io.controlplane.cancel.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RejectionCode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BulkTallyTest {

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
        BulkTally tally = new BulkTally("b-1", 6, false);
        tally.accept(record("b-1", 0, BulkState.RUNNING, 10, 8, 8, 0, 0));
        tally.accept(record("b-1", 0, BulkState.DONE, 20000, 15000, 15000, 1, 2));
        tally.accept(record("b-1", 1, BulkState.DONE, 16234, 12210, 12210, 0, 0));
        tally.accept(record("b-1", 2, BulkState.DONE, 15000, 13000, 13000, 0, 0));
        tally.accept(record("b-1", 3, BulkState.RUNNING, 0, 0, 0, 0, 0));

        assertThat(tally.progress())
                .isEqualTo(new BulkProgress("b-1", new BulkCounts(51234, 40210, 40210, 1, 2), 6, 4, 3, 0, 0));
        assertThat(tally.outcome()).isEmpty();
    }

    @Test
    void recordsOfOtherBulksAreNotCounted() {
        BulkTally tally = new BulkTally("b-1", 1, false);
        assertThat(tally.accept(record("b-2", 0, BulkState.DONE, 5, 5, 5, 0, 0)))
                .isFalse();
        assertThat(tally.accept(rejection("b-2"))).isFalse();
        assertThat(tally.progress()).isEqualTo(new BulkProgress("b-1", BulkCounts.NONE, 1, 0, 0, 0, 0));
        assertThat(tally.outcome()).isEmpty();
    }

    @Test
    void doneWhenEveryPartitionIsDone() {
        BulkTally tally = new BulkTally("b-1", 3, true);
        tally.accept(record("b-1", 0, BulkState.DONE, 3, 2, 0, 0, 0));
        tally.accept(record("b-1", 2, BulkState.DONE, 3, 2, 0, 0, 0));
        assertThat(tally.outcome()).isEmpty();
        tally.accept(record("b-1", 1, BulkState.DONE, 4, 1, 0, 0, 0));

        assertThat(tally.outcome()).contains(new BulkOutcome.Done("b-1", new BulkCounts(10, 5, 0, 0, 0), 3, true));
    }

    @Test
    void abortedWhenEveryPartitionEndedAndOneByAnAbort() {
        BulkTally tally = new BulkTally("b-1", 3, false);
        tally.accept(record("b-1", 0, BulkState.DONE, 3, 2, 2, 0, 0));
        tally.accept(record("b-1", 1, BulkState.ABORTED, 1, 1, 1, 0, 0));
        tally.accept(record("b-1", 2, BulkState.PAUSED, 2, 2, 2, 0, 0));
        assertThat(tally.outcome()).isEmpty();
        assertThat(tally.progress()).isEqualTo(new BulkProgress("b-1", new BulkCounts(6, 5, 5, 0, 0), 3, 3, 1, 1, 1));

        tally.accept(record("b-1", 2, BulkState.ABORTED, 2, 2, 2, 0, 0));
        assertThat(tally.outcome()).contains(new BulkOutcome.Aborted("b-1", new BulkCounts(6, 5, 5, 0, 0), 3, false));
    }

    @Test
    void aRejectionOfTheBulkAsAWholeEndsIt() {
        BulkTally tally = new BulkTally("b-1", 3, false);
        assertThat(tally.accept(rejection("b-1"))).isTrue();
        assertThat(tally.outcome())
                .contains(new BulkOutcome.Rejected(
                        "b-1",
                        "UNAUTHORIZED",
                        "Expected actor 'mallory' to hold the 'admin' role to cancel executions, but it does not."));
    }

    @Test
    void aRejectionAfterATaskStartedTheBulkIsAnotherCommandsNotTheBulks() {
        BulkTally tally = new BulkTally("b-1", 1, false);
        tally.accept(record("b-1", 0, BulkState.RUNNING, 1, 1, 1, 0, 0));
        assertThat(tally.accept(rejection("b-1"))).isFalse();
        assertThat(tally.outcome()).isEmpty();
    }
}
