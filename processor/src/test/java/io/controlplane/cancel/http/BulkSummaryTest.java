package io.controlplane.cancel.http;

import static io.controlplane.cancel.avro.BulkState.ABORTED;
import static io.controlplane.cancel.avro.BulkState.DONE;
import static io.controlplane.cancel.avro.BulkState.PAUSED;
import static io.controlplane.cancel.avro.BulkState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cancel.avro.BulkState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BulkSummaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static BulkSummary.Partition share(int partition, BulkState state, long scanned) {
        return new BulkSummary.Partition(
                partition, state, scanned, scanned / 2, scanned / 4, 1, 2, false, "10.0.0.1:8080");
    }

    private static List<BulkSummary.Partition> all(BulkState... states) {
        return IntStream.range(0, states.length)
                .mapToObj(p -> share(p, states[p], 10))
                .toList();
    }

    @Test
    void doneOnlyWhenEveryExpectedPartitionReportedDone() {
        assertThat(BulkSummary.state(all(DONE, DONE, DONE), 3)).isEqualTo(DONE);
        assertThat(BulkSummary.state(all(DONE, DONE), 3))
                .as("one still to reach")
                .isEqualTo(RUNNING);
        assertThat(BulkSummary.state(all(DONE, DONE, RUNNING), 3)).isEqualTo(RUNNING);
    }

    @Test
    void abortedIfAnyPartitionIsWhateverTheOthersAre() {
        assertThat(BulkSummary.state(all(DONE, ABORTED, DONE), 3)).isEqualTo(ABORTED);
        assertThat(BulkSummary.state(all(RUNNING, PAUSED, ABORTED), 3)).isEqualTo(ABORTED);
        assertThat(BulkSummary.state(all(ABORTED), 3)).isEqualTo(ABORTED);
    }

    @Test
    void pausedIfAnyIsPausedAndNoneRunsElseRunning() {
        assertThat(BulkSummary.state(all(PAUSED, DONE, PAUSED), 3)).isEqualTo(PAUSED);
        assertThat(BulkSummary.state(all(PAUSED, PAUSED), 3)).isEqualTo(PAUSED);
        assertThat(BulkSummary.state(all(PAUSED, RUNNING, DONE), 3)).isEqualTo(RUNNING);
        assertThat(BulkSummary.state(all(RUNNING), 3)).isEqualTo(RUNNING);
    }

    @Test
    void theCountsAreSummedOverThePartitionsAndEachIsListedInPartitionOrder() throws Exception {
        List<BulkSummary.Partition> partitions = BulkSummary.merge(List.of(
                new BulkSummary.Partition(2, DONE, 100, 40, 30, 5, 0, false, "b:1"),
                new BulkSummary.Partition(0, DONE, 7, 3, 3, 0, 4, false, "a:1"),
                new BulkSummary.Partition(1, RUNNING, 50, 20, 10, 1, 1, false, "a:1")));

        Map<String, Object> body = BulkSummary.body("bulk-1", partitions, 3);

        assertThat(JSON.writeValueAsString(body))
                .isEqualTo("{\"bulkId\":\"bulk-1\",\"state\":\"RUNNING\","
                        + "\"partitions\":{\"reported\":3,\"expected\":3},"
                        + "\"scanned\":157,\"matched\":63,\"cancelled\":43,\"alreadyTerminal\":6,\"notFound\":5,"
                        + "\"dryRun\":false,\"perPartition\":["
                        + "{\"partition\":0,\"state\":\"DONE\",\"scanned\":7,\"matched\":3,\"cancelled\":3,"
                        + "\"alreadyTerminal\":0,\"notFound\":4,\"dryRun\":false,\"servedBy\":\"a:1\"},"
                        + "{\"partition\":1,\"state\":\"RUNNING\",\"scanned\":50,\"matched\":20,\"cancelled\":10,"
                        + "\"alreadyTerminal\":1,\"notFound\":1,\"dryRun\":false,\"servedBy\":\"a:1\"},"
                        + "{\"partition\":2,\"state\":\"DONE\",\"scanned\":100,\"matched\":40,\"cancelled\":30,"
                        + "\"alreadyTerminal\":5,\"notFound\":0,\"dryRun\":false,\"servedBy\":\"b:1\"}]}");
    }

    @Test
    void aPartitionReportedTwiceCountsOnceAsTheOneFurtherAlong() {
        List<BulkSummary.Partition> merged = BulkSummary.merge(
                List.of(share(0, RUNNING, 10), share(1, DONE, 5), share(0, DONE, 30), share(0, RUNNING, 20)));

        assertThat(merged).containsExactly(share(0, DONE, 30), share(1, DONE, 5));
        assertThat(BulkSummary.body("b", merged, 2)).containsEntry("scanned", 35L);
    }

    @Test
    void aShareAnsweredByAnotherInstanceReadsBackAsItWasWritten() throws Exception {
        List<BulkSummary.Partition> written = List.of(
                new BulkSummary.Partition(4, PAUSED, Long.MAX_VALUE, 2, 1, 0, 9, true, "10.0.0.2:8080"),
                share(5, DONE, 8));
        byte[] answer = JSON.writeValueAsBytes(BulkSummary.body("bulk-1", written, 6));

        assertThat(BulkSummary.shares("bulk-1", answer, 6)).contains(written);
        assertThat(BulkSummary.shares(
                        "bulk-1", "{\"bulkId\":\"bulk-1\",\"perPartition\":[]}".getBytes(StandardCharsets.UTF_8), 6))
                .contains(List.of());
    }

    @Test
    void anAnswerThatIsNoShareOfThisBulkIsRefusedWhole() throws Exception {
        byte[] ofAnother = JSON.writeValueAsBytes(BulkSummary.body("bulk-2", List.of(share(0, DONE, 1)), 6));
        assertThat(BulkSummary.shares("bulk-1", ofAnother, 6)).isEmpty();

        String valid = "{\"partition\":1,\"state\":\"DONE\",\"scanned\":1,\"matched\":1,\"cancelled\":1,"
                + "\"alreadyTerminal\":0,\"notFound\":0,\"dryRun\":false,\"servedBy\":\"a:1\"}";
        for (String bad : new String[] {
            valid.replace("\"partition\":1", "\"partition\":6"),
            valid.replace("\"partition\":1", "\"partition\":-1"),
            valid.replace("\"partition\":1", "\"partition\":\"1\""),
            valid.replace("\"DONE\"", "\"FINISHED\""),
            valid.replace("\"scanned\":1", "\"scanned\":-1"),
            valid.replace("\"scanned\":1", "\"scanned\":1.5"),
            valid.replace("\"scanned\":1", "\"scanned\":99999999999999999999"),
            valid.replace("\"matched\":1,", ""),
            valid.replace("\"dryRun\":false", "\"dryRun\":\"no\""),
            valid.replace("\"a:1\"", "\"" + "a".repeat(BulkSummary.MAX_SERVED_BY_LENGTH + 1) + "\""),
        }) {
            byte[] answer = ("{\"bulkId\":\"bulk-1\",\"perPartition\":[" + valid + "," + bad + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(BulkSummary.shares("bulk-1", answer, 6)).as(bad).isEmpty();
        }
        for (String notJson : new String[] {"", "null", "[]", "{\"bulkId\":\"bulk-1\"}", "<html>", "{\"bulkId\":"}) {
            assertThat(BulkSummary.shares("bulk-1", notJson.getBytes(StandardCharsets.UTF_8), 6))
                    .as(notJson)
                    .isEmpty();
        }
    }
}
