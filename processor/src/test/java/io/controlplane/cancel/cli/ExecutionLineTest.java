package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code status}'s one line for each answer of {@code GET /executions/{id}} (ExecutionQuery). */
class ExecutionLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String line(String json) throws Exception {
        return ExecutionLine.of(JSON.readTree(json));
    }

    @Test
    void aRunningRunIsItsStatusVersionTenantAndDeadline() throws Exception {
        assertThat(line("{\"executionId\":\"e-1\",\"status\":\"RUNNING\","
                        + "\"run\":{\"status\":\"RUNNING\",\"version\":3,\"tenantId\":\"t1\",\"deadlineAt\":null},"
                        + "\"cancellation\":null,\"cancelling\":null,\"scheduled\":[],\"waiting\":[]}"))
                .isEqualTo("e-1 RUNNING v3 tenant t1");
        assertThat(line("{\"executionId\":\"e-1\",\"status\":\"RUNNING\","
                        + "\"run\":{\"status\":\"RUNNING\",\"version\":3,\"tenantId\":\"t1\","
                        + "\"deadlineAt\":\"2026-11-25T20:00:00Z\"}}"))
                .isEqualTo("e-1 RUNNING v3 tenant t1 deadline 2026-11-25T20:00:00Z");
    }

    @Test
    void aGracefulCancelGoingOnSaysWhoAskedWhenAndWhenItIsForcedThenWhatUpstreamSays() throws Exception {
        assertThat(line("{\"executionId\":\"e-1\",\"status\":\"CANCELLING\","
                        + "\"run\":{\"status\":\"RUNNING\",\"version\":3,\"tenantId\":\"t1\",\"deadlineAt\":null},"
                        + "\"cancellation\":null,"
                        + "\"cancelling\":{\"commandId\":\"c-1\",\"cancelledBy\":\"alice\","
                        + "\"askedAt\":\"2026-11-25T18:00:00.123Z\",\"escalatesAt\":\"2026-11-25T18:02:00.123Z\"},"
                        + "\"scheduled\":[],\"waiting\":[]}"))
                .isEqualTo("e-1 CANCELLING by alice at 2026-11-25T18:00:00.123Z (command c-1), forced at "
                        + "2026-11-25T18:02:00.123Z unless it stops first; upstream says RUNNING v3 tenant t1");
    }

    @Test
    void anEscalatedCancellationSaysSoAndAnOrdinaryOneIsAsBefore() throws Exception {
        String cancelled = "{\"executionId\":\"e-2\",\"status\":\"CANCELLED\","
                + "\"run\":{\"status\":\"RUNNING\",\"version\":3,\"tenantId\":\"t1\"},"
                + "\"cancellation\":{\"cancelledBy\":\"alice\",\"cancelledAt\":\"2026-11-25T18:00:00.123Z\","
                + "\"commandId\":\"c-1\",\"reason\":\"stuck\",\"traceId\":\"t\",\"escalated\":%s}}";
        assertThat(line(cancelled.formatted("false")))
                .isEqualTo("e-2 CANCELLED by alice at 2026-11-25T18:00:00.123Z (command c-1): stuck");
        assertThat(line(cancelled.formatted("true")))
                .isEqualTo("e-2 CANCELLED by alice at 2026-11-25T18:00:00.123Z (command c-1, escalated): stuck");
    }

    @Test
    void heldAndWaitingCommandsFollowOnTheSameLineAtMostFiveNamed() throws Exception {
        StringBuilder scheduled = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            scheduled
                    .append(i == 0 ? "" : ",")
                    .append("{\"commandId\":\"c-")
                    .append(i)
                    .append("\",\"cancelledBy\":\"bob\",\"mode\":\"FORCE\",\"notBefore\":\"2026-11-26T09:00:00Z\"}");
        }
        String line = line("{\"executionId\":\"e-3\",\"status\":null,\"run\":null,\"cancellation\":null,"
                + "\"cancelling\":null,\"scheduled\":[" + scheduled + "],\"scheduledNotListed\":4,"
                + "\"waiting\":[{\"commandId\":\"c-w\",\"cancelledBy\":\"dave\",\"mode\":\"GRACEFUL\","
                + "\"notFoundAt\":\"2026-11-25T18:00:10Z\"}]}");

        assertThat(line)
                .startsWith("e-3 (no run state and no cancellation held); scheduled: "
                        + "FORCE by bob at 2026-11-26T09:00:00Z (command c-0), ")
                .contains("(command c-4) and 5 more; waiting for the run: ")
                .endsWith("GRACEFUL by dave (command c-w), not found at 2026-11-25T18:00:10Z")
                .doesNotContain("c-5");
        assertThat(line.lines()).hasSize(1);
    }

    @Test
    void hostileTextStaysOnOneLine() throws Exception {
        assertThat(line("{\"executionId\":\"e-4\",\"run\":{\"status\":\"RUNNING\",\"version\":1,\"tenantId\":\"t\"},"
                                + "\"scheduled\":[{\"commandId\":\"c\\n1\",\"cancelledBy\":\"b\\u001b[2Jx\",\"mode\":\"FORCE\","
                                + "\"notBefore\":\"2026-11-26T09:00:00Z\"}]}")
                        .lines())
                .hasSize(1)
                .allMatch(text -> !text.contains("\u001b"));
    }
}
