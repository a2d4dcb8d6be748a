package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.client.BulkCounts;
import io.controlplane.cancel.client.BulkProgress;
import org.junit.jupiter.api.Test;

/** The lines; the sums and the end they show are BulkTallyTest's, in the client library. */
class BulkLinesTest {

    @Test
    void theProgressLineSumsEveryPartitionAndBarsThoseDone() {
        BulkProgress progress = new BulkProgress("b-1", new BulkCounts(51234, 40210, 40210, 1, 2), 6, 4, 3, 0, 0);

        assertThat(BulkLines.progress(progress))
                .isEqualTo("bulk b-1: [#####.....] 3/6 partitions done, scanned 51234, matched 40210, "
                        + "cancelled 40210, already terminal 1, not found 2");
    }

    @Test
    void theProgressLineSaysHowManyPartitionsArePausedOrAborted() {
        BulkProgress progress = new BulkProgress("b-1", new BulkCounts(6, 5, 5, 0, 0), 3, 3, 1, 1, 1);

        assertThat(BulkLines.progress(progress))
                .isEqualTo("bulk b-1: [###.......] 1/3 partitions done, scanned 6, matched 5, cancelled 5, already "
                        + "terminal 0, not found 0, 1 paused, 1 aborted");
    }

    @Test
    void aRejectionIsItsCodeAndMessage() {
        assertThat(BulkLines.rejected(
                        "UNAUTHORIZED",
                        "b-1",
                        "Expected actor 'mallory' to hold the 'admin' role to cancel executions, but it does not."))
                .isEqualTo("REJECTED UNAUTHORIZED bulk b-1: Expected actor 'mallory' to hold the 'admin' role to "
                        + "cancel executions, but it does not.");
    }

    @Test
    void theBarHasAMarkPerTenthOfThePartitionsDoneFullOnlyWhenAllAre() {
        assertThat(BulkLines.bar(0, 6)).isEqualTo("[..........]");
        assertThat(BulkLines.bar(1, 6)).isEqualTo("[#.........]");
        assertThat(BulkLines.bar(3, 6)).isEqualTo("[#####.....]");
        assertThat(BulkLines.bar(5, 6)).isEqualTo("[########..]");
        assertThat(BulkLines.bar(6, 6)).isEqualTo("[##########]");
        assertThat(BulkLines.bar(29, 30)).isEqualTo("[#########.]");
        assertThat(BulkLines.bar(7, 6)).isEqualTo("[##########]");
        assertThat(BulkLines.bar(0, 0)).isEqualTo("[..........]");
    }
}
