package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.OperatorCli;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorGroup;
import io.controlplane.cancel.it.support.RealBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bulk-cancel} and {@code bulk-control} against the processor on a real broker, with the exit
 * codes scripts rely on. Each test has a tenant of its own. The processor cancels at most 5 runs a
 * second per task, so that a bulk of 60 runs lasts long enough to be paused.
 */
class BulkCancelCliIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int RATE = 5;
    private static final Instant LONG_AGO = Instant.now().minus(Duration.ofHours(2));
    private static final int SLOW_RUNS = 60;
    private static final Pattern SENT = Pattern.compile("^bulk (\\S+) sent \\(", Pattern.MULTILINE);

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedBeforeAll(
                    broker, settings -> settings.put(CancelProcessorConfig.BULK_RATE, RATE))
            .seededWith(traffic -> {
                traffic.grant("alice", List.of("admin"), List.of("t-dry", "t-listed", "t-slow"));
                traffic.grant("bob", List.of("viewer"), List.of("*"));
                // t-dry: 5 queued long ago match; running ones are too recent, completed ones have ended
                for (int i = 0; i < 5; i++) {
                    traffic.runState("dry-queued-" + i, "t-dry", RunStatus.QUEUED, 1, LONG_AGO);
                }
                traffic.runState("dry-running-0", "t-dry", RunStatus.RUNNING, 1, Instant.now());
                traffic.runState("dry-running-1", "t-dry", RunStatus.RUNNING, 1, Instant.now());
                traffic.runState("dry-completed-0", "t-dry", RunStatus.COMPLETED, 1, LONG_AGO);
                traffic.runState("dry-other-tenant", "t-other", RunStatus.QUEUED, 1, LONG_AGO);
                // t-listed: a list of runs, some cancellable, one ended, one unknown, one another tenant's
                for (int i = 0; i < 4; i++) {
                    traffic.runState("listed-" + i, "t-listed", RunStatus.WAITING, 2);
                }
                traffic.runState("listed-not-in-file", "t-listed", RunStatus.WAITING, 2);
                traffic.runState("listed-failed", "t-listed", RunStatus.FAILED, 3);
                traffic.runState("listed-other-tenant", "t-other", RunStatus.WAITING, 2);
                // t-slow: 20 runs per task at 5 a second: 4 s of work each
                for (int i = 0; i < SLOW_RUNS; i++) {
                    traffic.runState("slow-" + i, "t-slow", RunStatus.QUEUED, 1);
                }
            });

    private static OperatorCli cli;
    private static Outcomes outcomes;

    @BeforeAll
    static void cliAndTheRunStatesConsumed() throws Exception {
        cli = new OperatorCli(
                processor.settings(), Files.createTempDirectory("bulk-cli-it").resolve("cli.properties"));
        outcomes = processor.outcomes();
        // a bulk looks at the runs a task holds when it reaches it: every seeded run must be there first
        try (Admin admin = broker.kafka().admin()) {
            ProcessorGroup group = new ProcessorGroup(
                    admin, String.valueOf(processor.settings().get(StreamsConfig.APPLICATION_ID_CONFIG)));
            await("the seeded run states consumed")
                    .atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> group.hasConsumedAll(
                            List.of(processor.topics().runStates.name())));
        }
    }

    @AfterAll
    static void closeOutcomes() {
        if (outcomes != null) {
            outcomes.close();
        }
    }

    @Test
    void aDryRunCountsWhatItWouldCancelAndCancelsNothingThenTheBulkCancelsExactlyThat() {
        String[] filter = {"--tenant", "t-dry", "--status", "QUEUED,RUNNING", "--updated-before", "-1h"};

        OperatorCli.Run dry = cli.run("bulk-cancel", concat(filter, "--by", "alice", "--dry-run"));

        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        List<String> lines = dry.out().lines().toList();
        assertThat(lines.get(0)).matches("bulk \\S+ sent \\(tenant 't-dry', by 'alice', dry run\\)");
        assertThat(lines.get(lines.size() - 2))
                .matches("bulk \\S+: \\[##########\\] 3/3 partitions done, scanned \\d+, matched 5, cancelled 0, "
                        + "already terminal 0, not found 0");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("dry run: would cancel 5");
        assertThat(dry.err()).isEmpty();

        // Had the dry run cancelled any, the same filter for real would find them ended, not cancel 5.
        OperatorCli.Run bulk = cli.run("bulk-cancel", concat(filter, "--by", "alice", "--wait"));

        assertThat(bulk.exitCode()).as(bulk.toString()).isZero();
        String bulkId = bulkId(bulk);
        assertThat(bulk.out().lines().toList())
                .last()
                .isEqualTo("DONE bulk " + bulkId + ": cancelled 5 runs on 3 partitions");
        assertThat(awaitCancelledBy(bulkId, 5))
                .isEqualTo(
                        IntStream.range(0, 5).mapToObj(i -> "dry-queued-" + i).collect(Collectors.toSet()));
        assertThat(outcomes.cancellations)
                .noneMatch(change -> change.getCommandId().startsWith(bulkId(dry) + "/"));
    }

    @Test
    void aBulkOfListedRunsWaitsForEveryPartitionAndCancelsEveryMatchingRun() throws Exception {
        Path ids = Files.createTempFile("bulk-cli-it-ids", ".txt");
        Files.writeString(ids, """
                # the runs of the incident
                listed-0
                listed-1

                listed-2
                listed-3
                listed-failed
                listed-unknown
                listed-other-tenant
                listed-0
                """);

        OperatorCli.Run bulk = cli.run(
                "bulk-cancel",
                "--tenant",
                "t-listed",
                "--ids-file",
                ids.toString(),
                "--by",
                "alice",
                "--reason",
                "incident 42",
                "--bulk-id",
                "listed-bulk",
                "--wait");

        assertThat(bulk.exitCode()).as(bulk.toString()).isZero();
        List<String> lines = bulk.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("bulk listed-bulk sent (tenant 't-listed', by 'alice')");
        // not a terminal: one line per change, no carriage return
        assertThat(bulk.out()).doesNotContain("\r");
        assertThat(lines.subList(1, lines.size() - 1)).allMatch(line -> line.startsWith("bulk listed-bulk: ["));
        assertThat(lines.get(lines.size() - 2))
                .isEqualTo("bulk listed-bulk: [##########] 3/3 partitions done, scanned 7, matched 4, cancelled 4, "
                        + "already terminal 1, not found 2");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("DONE bulk listed-bulk: cancelled 4 runs on 3 partitions");

        assertThat(awaitCancelledBy("listed-bulk", 4))
                .containsExactlyInAnyOrder("listed-0", "listed-1", "listed-2", "listed-3");
        assertThat(outcomes.cancellations.stream()
                        .filter(change -> change.getCommandId().startsWith("listed-bulk/")))
                .allSatisfy(change -> {
                    assertThat(change.getCancelledBy()).isEqualTo("alice");
                    assertThat(change.getReason()).isEqualTo("incident 42");
                    assertThat(change.getTenantId()).isEqualTo("t-listed");
                });
    }

    @Test
    void aRefusedBulkPrintsItsCodeAndExitsTwo() {
        OperatorCli.Run refused = cli.run("bulk-cancel", "--tenant", "t-listed", "--by", "bob", "--wait");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        String bulkId = bulkId(refused);
        assertThat(refused.out().lines().toList())
                .last()
                .isEqualTo("REJECTED UNAUTHORIZED bulk " + bulkId
                        + ": Expected actor 'bob' to hold the 'admin' role to cancel executions, but it does not.");

        OperatorCli.Run unknown = cli.run("bulk-control", "--bulk", "never-started", "--resume", "--by", "alice");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.out()).startsWith("REJECTED EXECUTION_NOT_FOUND bulk never-started: ");
    }

    @Test
    void aBulkIsPausedThenResumedAndEndsWithEveryRunCancelled() {
        OperatorCli.Run started =
                cli.run("bulk-cancel", "--tenant", "t-slow", "--by", "alice", "--bulk-id", "slow-bulk");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(started.out())
                .isEqualTo("bulk slow-bulk sent (tenant 't-slow', by 'alice')" + System.lineSeparator());

        OperatorCli.Run pause = cli.run("bulk-control", "--bulk", "slow-bulk", "--pause", "--by", "alice");
        assertThat(pause.exitCode()).as(pause.toString()).isZero();
        assertThat(pause.out()).startsWith("PAUSED bulk slow-bulk (acknowledged first by partition ");
        OperatorCli.Run resume = cli.run("bulk-control", "--bulk", "slow-bulk", "--resume", "--by", "alice");
        assertThat(resume.exitCode()).as(resume.toString()).isZero();
        assertThat(resume.out()).startsWith("RUNNING bulk slow-bulk (acknowledged first by partition ");

        assertThat(awaitCancelledBy("slow-bulk", SLOW_RUNS)).hasSize(SLOW_RUNS);
    }

    /** The runs the bulk cancelled, once there are {@code expected} of them. */
    private static Set<String> awaitCancelledBy(String bulkId, int expected) {
        outcomes.awaitUntil(() -> cancelledBy(bulkId).size() >= expected, TIMEOUT);
        return cancelledBy(bulkId);
    }

    private static Set<String> cancelledBy(String bulkId) {
        return outcomes.cancellations.stream()
                .filter(change -> change.getCommandId().startsWith(bulkId + "/"))
                .map(RunStateChange::getExecutionId)
                .collect(Collectors.toSet());
    }

    private static String bulkId(OperatorCli.Run run) {
        Matcher sent = SENT.matcher(run.out());
        assertThat(sent.find()).as(run.toString()).isTrue();
        return sent.group(1);
    }

    private static String[] concat(String[] first, String... then) {
        String[] all = new String[first.length + then.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(then, 0, all, first.length, then.length);
        return all;
    }
}
