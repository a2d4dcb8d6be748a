package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.demo.Demo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's first command does what it promises. */
class DemoIT {

    @Test
    void demoShowsEachOutcomeACascadeAForgedCommandADeadLetterABulkAndCancellationOverTime() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        boolean complete = new Demo(new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String table = printed.toString(StandardCharsets.UTF_8);

        assertThat(complete).as(table).isTrue();
        assertThat(table)
                .contains(
                        "CANCELLED",
                        "INVALID_COMMAND",
                        "UNAUTHORIZED",
                        "EXECUTION_NOT_FOUND",
                        "ALREADY_TERMINAL",
                        "DEAD LETTER",
                        "All 11 expected outcomes arrived.");
        assertThat(table.lines().filter(line -> line.startsWith("cmd-1 "))).hasSize(1);
        // one command cancels run-1, its two children and the grandchild that started after it
        Map.of("run-1a", "run-1", "run-1b", "run-1", "run-1a-x", "run-1a")
                .forEach((descendant, parent) -> assertThat(
                                table.lines().filter(line -> line.startsWith("cmd-1/" + descendant + " ")))
                        .singleElement()
                        .satisfies(
                                line -> assertThat(line).contains("CANCELLED").endsWith("cascaded from " + parent)));
        // the forged command is refused for its signature, and its token is shown nowhere
        assertThat(table.lines().filter(line -> line.startsWith("cmd-7 ")))
                .singleElement()
                .satisfies(line -> assertThat(line).contains("UNAUTHORIZED", "signed identity"));
        assertThat(table).doesNotContain("eyJ");
        // then a bulk cancel by the operator's command line: a dry run, the bulk with its progress, a summary
        assertThat(table.lines())
                .containsSubsequence(
                        "bulk bulk-dry-run sent (tenant 'initech', by 'alice', dry run)",
                        "dry run: would cancel 24",
                        "bulk bulk-1 sent (tenant 'initech', by 'alice')",
                        "DONE bulk bulk-1: cancelled 24 runs on 3 partitions")
                // every run of every tenant is looked at; only the 24 matching ones are counted and cancelled
                .anyMatch(line -> line.matches("bulk bulk-1: \\[##########\\] 3/3 partitions done, scanned \\d+, "
                        + "matched 24, cancelled 24, already terminal 0, not found 0"))
                .contains(
                        "bulk-1   initech  QUEUED       12        12",
                        "bulk-1   initech  RUNNING      12        12",
                        "bulk-1   initech  WAITING       8         0",
                        "bulk-1   initech  COMPLETED     8         0",
                        "All 24 QUEUED and RUNNING runs of initech were cancelled, each once; the others were left as "
                                + "they were.");
        // last, cancellation over time: each run asked to stop gracefully writes CANCELLING first, then
        // one CANCELLED: confirmed by upstream (not escalated), forced when its 2 s grace ended
        // (escalated), and a run cancelled by its deadline in the processor's name
        assertThat(overTime(table, "run-drain"))
                .satisfiesExactly(
                        line -> assertThat(line)
                                .contains("cmd-graceful-1", "alice", "CANCELLING", "RUNNING -> CANCELLING, version 2")
                                .doesNotContain("escalated"),
                        line -> assertThat(line)
                                .contains("cmd-graceful-1", "alice", "CANCELLING -> CANCELLED, version 3")
                                .doesNotContain("escalated"));
        assertThat(overTime(table, "run-stuck"))
                .satisfiesExactly(
                        line -> assertThat(line)
                                .contains("cmd-graceful-2", "CANCELLING", "RUNNING -> CANCELLING, version 2")
                                .doesNotContain("escalated"),
                        line -> assertThat(line)
                                .contains("cmd-graceful-2", "CANCELLING -> CANCELLED, version 3, escalated"));
        assertThat(overTime(table, "run-late"))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("deadline/run-late", "controlplane:deadline", "RUNNING -> CANCELLED, version 2")
                        .containsPattern("deadline \\S+Z passed$")
                        .doesNotContain("escalated"));
        // the escalation waited out its grace (2 s), the deadline its 3 s
        assertThat(after(overTime(table, "run-stuck").get(1))).isGreaterThanOrEqualTo(2.0);
        assertThat(after(overTime(table, "run-late").get(0))).isGreaterThanOrEqualTo(3.0);
        assertThat(table)
                .contains("run-drain stopped gracefully, run-stuck was forced when its grace ended, and run-late was "
                        + "cancelled when its deadline passed: one CANCELLED each.");
        assertThat(table.lines().filter(line -> line.startsWith("While it runs:")))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .containsPattern("http://127\\.0\\.0\\.1:\\d+/health/ready")
                        .containsPattern("http://127\\.0\\.0\\.1:\\d+/metrics"));
    }

    /** The lines of the over-time table about one run, in the order they came. */
    private static List<String> overTime(String table, String executionId) {
        return table.lines()
                .filter(line -> line.matches("\\d+\\.\\ds +\\S+ +" + executionId + " .*"))
                .toList();
    }

    /** The seconds the over-time table says a line came after the part began. */
    private static double after(String line) {
        return Double.parseDouble(line.substring(0, line.indexOf('s')));
    }
}
