package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Cancellation over time, one rule at a time, on the real topology with the wall clock in the
 * test's hands: graceful cancels and their escalation, scheduled cancels, run deadlines.
 */
class CancellationOverTimeTopologyTest {

    /** Short, so that the task's start-up hold (one grace of reading before anything is due) is short too. */
    private static final Duration NOT_FOUND_GRACE = Duration.ofSeconds(1);

    private static final Duration GRACE = Duration.ofMinutes(5);

    private CancelDriver cancel;

    @BeforeEach
    void start() {
        cancel = driver(Map.of());
    }

    @AfterEach
    void close() {
        cancel.close();
    }

    private static CancelDriver driver(Map<String, Object> overrides) {
        Map<String, Object> settings = new java.util.HashMap<>(overrides);
        settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, NOT_FOUND_GRACE.toMillis());
        CancelDriver driver = new CancelDriver(settings);
        driver.admin("alice");
        // past the task's start-up hold, so that what is due fires from now on
        driver.advanceWallClock(NOT_FOUND_GRACE);
        return driver;
    }

    private CancelCommand command(
            String commandId, String executionId, CancelMode mode, Long graceMs, Instant notBefore) {
        return CancelCommand.newBuilder(
                        TestRecords.command(commandId, executionId, "alice", "stop it", cancel.wallClock()))
                .setMode(mode)
                .setGraceMs(graceMs)
                .setNotBefore(notBefore)
                .build();
    }

    private CancelCommand graceful(String commandId, String executionId) {
        return command(commandId, executionId, CancelMode.GRACEFUL, null, null);
    }

    private CancelCommand force(String commandId, String executionId) {
        return command(commandId, executionId, CancelMode.FORCE, null, null);
    }

    private void send(CancelCommand command) {
        cancel.send(command.getExecutionId(), command);
    }

    private void runState(String executionId, RunStatus status, long version, Instant deadlineAt) {
        cancel.runStateRecord(
                executionId, new RunState(executionId, TENANT, status, version, cancel.wallClock(), null, deadlineAt));
    }

    private List<RunStateChange> changes() {
        return cancel.changes().stream().map(TestRecord::value).toList();
    }

    private RunStateChange onlyChange() {
        List<RunStateChange> changes = changes();
        assertThat(changes).hasSize(1);
        assertThat(cancel.rejections()).isEmpty();
        return changes.get(0);
    }

    private void nothingOut() {
        assertThat(cancel.changes()).isEmpty();
        assertThat(cancel.rejections()).isEmpty();
    }

    private double cascadeCount(String name) {
        return cancel.driver.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().group().equals(DecisionMetrics.GROUP)
                        && metric.getKey().name().equals(name))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .sum();
    }

    @Nested
    class Rule1ForceIsTodaysCancel {

        @Test
        void anExplicitForceCancelsAtOnceNotEscalated() {
            cancel.runState("run-1", RunStatus.RUNNING, 3);
            send(force("c1", "run-1"));

            RunStateChange change = onlyChange();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.RUNNING);
            assertThat(change.getVersion()).isEqualTo(4L);
            assertThat(change.getEscalated()).isFalse();
        }

        @Test
        void aCommandWithoutAModeIsForce() {
            // what a producer of today's schema that leaves the field out writes
            cancel.runState("run-1", RunStatus.RUNNING, 3);
            send(command("c1", "run-1", null, null, null));

            assertThat(onlyChange().getStatus()).isEqualTo(RunStatus.CANCELLED);
        }
    }

    @Nested
    class Rule2GracefulThenForced {

        @BeforeEach
        void askedToStop() {
            cancel.runState("run-1", RunStatus.RUNNING, 3);
            send(graceful("g1", "run-1"));
        }

        @Test
        void aGracefulCancelWritesOneCancellingRecordOfItsCommand() {
            RunStateChange change = onlyChange();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLING);
            assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.RUNNING);
            assertThat(change.getVersion()).isEqualTo(4L);
            assertThat(change.getCancelledBy()).isEqualTo("alice");
            assertThat(change.getReason()).isEqualTo("stop it");
            assertThat(change.getCommandId()).isEqualTo("g1");
            assertThat(change.getTraceId()).isEqualTo("trace-g1");
            assertThat(change.getEscalated()).isFalse();
        }

        @Test
        void upstreamConfirmingBeforeTheGraceEndsGetsTheRunsOneCancelledNotEscalated() {
            changes();
            runState("run-1", RunStatus.CANCELLED, 5, null);

            RunStateChange change = onlyChange();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.CANCELLING);
            assertThat(change.getVersion()).isEqualTo(6L);
            assertThat(change.getCommandId()).isEqualTo("g1");
            assertThat(change.getEscalated()).isFalse();

            cancel.advanceWallClock(GRACE.plusMinutes(1));
            nothingOut();
        }

        @Test
        void upstreamEndingTheRunAnotherWayWritesNothingMore() {
            changes();
            runState("run-1", RunStatus.COMPLETED, 5, null);
            nothingOut();

            cancel.advanceWallClock(GRACE.plusMinutes(1));
            nothingOut();
        }

        @Test
        void theGraceEndingWithTheRunNotTerminalForcesItOnceEscalated() {
            changes();
            cancel.advanceWallClock(GRACE.minusSeconds(2));
            nothingOut();

            cancel.advanceWallClock(Duration.ofSeconds(3));
            RunStateChange change = onlyChange();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.CANCELLING);
            assertThat(change.getVersion()).isEqualTo(5L);
            assertThat(change.getCommandId()).isEqualTo("g1");
            assertThat(change.getEscalated()).isTrue();

            cancel.advanceWallClock(GRACE);
            runState("run-1", RunStatus.CANCELLED, 9, null);
            nothingOut();
        }

        @Test
        void aForceCommandForcesItAtOnceEscalatedAndTheGraceThenDoesNothing() {
            changes();
            send(force("f1", "run-1"));

            RunStateChange change = onlyChange();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.CANCELLING);
            assertThat(change.getCommandId()).isEqualTo("f1");
            assertThat(change.getEscalated()).isTrue();

            cancel.advanceWallClock(GRACE.plusMinutes(1));
            nothingOut();
        }

        @Test
        void aRunStaysCancellingWhateverNonTerminalStatusUpstreamReportsAndAnotherGracefulDoesNothing() {
            changes();
            runState("run-1", RunStatus.PAUSED, 5, null);
            send(graceful("g2", "run-1"));
            nothingOut();

            send(force("f1", "run-1"));
            RunStateChange change = onlyChange();
            assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.CANCELLING);
            assertThat(change.getVersion()).as("after upstream's version 5").isEqualTo(6L);
        }

        @Test
        void aGracefulCommandThatWaitedForItsRunEscalatesWhenItsGraceIsTheNotFoundGrace() {
            // its escalation falls on the very millisecond its wait for the run would have ended
            send(command("g9", "run-9", CancelMode.GRACEFUL, NOT_FOUND_GRACE.toMillis(), null));
            cancel.runState("run-9", RunStatus.RUNNING, 1);
            changes();

            cancel.advanceWallClock(NOT_FOUND_GRACE.plusMillis(500));
            RunStateChange change = changes().stream()
                    .filter(c -> c.getExecutionId().equals("run-9"))
                    .findFirst()
                    .orElseThrow();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getEscalated()).isTrue();
        }

        @Test
        void aCommandsOwnGraceIsTheOneWaited() {
            changes();
            cancel.runState("run-2", RunStatus.RUNNING, 1);
            send(command("g3", "run-2", CancelMode.GRACEFUL, 30_000L, null));
            assertThat(onlyChange().getStatus()).isEqualTo(RunStatus.CANCELLING);

            cancel.advanceWallClock(Duration.ofSeconds(29));
            nothingOut();
            cancel.advanceWallClock(Duration.ofSeconds(2));
            RunStateChange change = onlyChange();
            assertThat(change.getExecutionId()).isEqualTo("run-2");
            assertThat(change.getEscalated()).isTrue();
        }
    }

    @Nested
    class Rule2GraceBounds {

        @Test
        void aGraceLongerThanTheLongestAllowedIsInvalid() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            send(command(
                    "g1", "run-1", CancelMode.GRACEFUL, Duration.ofHours(25).toMillis(), null));

            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejection.getMessage()).contains("graceMs");
        }

        @Test
        void aNegativeGraceIsInvalid() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            send(command("g1", "run-1", CancelMode.GRACEFUL, -1L, null));

            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        }

        @Test
        void aGraceOnAForceCommandIsInvalid() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            send(command("f1", "run-1", CancelMode.FORCE, 1_000L, null));

            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        }
    }

    @Nested
    class Rule3Scheduled {

        @Test
        void aCommandWithANotBeforeAheadIsJudgedThenNotBefore() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            Instant at = cancel.wallClock().plus(Duration.ofMinutes(10));
            send(command("s1", "run-1", CancelMode.FORCE, null, at));
            nothingOut();

            cancel.advanceWallClock(Duration.ofMinutes(10).minusSeconds(1));
            nothingOut();
            cancel.advanceWallClock(Duration.ofSeconds(1));
            RunStateChange change = onlyChange();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getCommandId()).isEqualTo("s1");
            assertThat(change.getCancelledAt()).isEqualTo(at);
        }

        @Test
        void whatDoesNotDependOnTheRunIsRefusedOnArrival() {
            send(CancelCommand.newBuilder(command(
                            "s1",
                            "run-1",
                            CancelMode.FORCE,
                            null,
                            cancel.wallClock().plusSeconds(600)))
                    .setCancelledBy("mallory")
                    .build());

            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        }

        @Test
        void aNotBeforeFurtherThanTheHorizonIsInvalid() {
            send(command(
                    "s1", "run-1", CancelMode.FORCE, null, cancel.wallClock().plus(Duration.ofDays(31))));

            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejection.getMessage()).contains("notBefore");
        }

        @Test
        void theRunIsJudgedAsItIsThen() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            send(command(
                    "s1", "run-1", CancelMode.FORCE, null, cancel.wallClock().plusSeconds(60)));
            cancel.runState("run-1", RunStatus.COMPLETED, 2);
            nothingOut();

            cancel.advanceWallClock(Duration.ofSeconds(61));
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
            assertThat(rejection.getObservedStatus()).isEqualTo(RunStatus.COMPLETED);
        }

        @Test
        void aRunUnknownThenWaitsItsGraceAsIfItArrivedThen() {
            send(command(
                    "s1", "run-9", CancelMode.FORCE, null, cancel.wallClock().plusSeconds(60)));
            cancel.advanceWallClock(Duration.ofSeconds(61));
            nothingOut();

            cancel.runState("run-9", RunStatus.RUNNING, 1);
            assertThat(onlyChange().getCommandId()).isEqualTo("s1");
        }

        @Test
        void aHeldCommandIsARepeatFromArrivalUntilRetentionAfterItFires() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            CancelCommand scheduled = command(
                    "s1", "run-1", CancelMode.FORCE, null, cancel.wallClock().plusSeconds(60));
            send(scheduled);
            send(scheduled);
            nothingOut();

            cancel.advanceWallClock(Duration.ofSeconds(61));
            assertThat(onlyChange().getCommandId()).isEqualTo("s1");
            send(scheduled);
            nothingOut();
        }

        @Test
        void aNotBeforePassedAlreadyMeansNow() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            send(command(
                    "s1", "run-1", CancelMode.FORCE, null, cancel.wallClock().minusSeconds(60)));

            assertThat(onlyChange().getStatus()).isEqualTo(RunStatus.CANCELLED);
        }

        @Test
        void aScheduledGracefulCancelStartsItsGraceThen() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            send(command(
                    "s1",
                    "run-1",
                    CancelMode.GRACEFUL,
                    10_000L,
                    cancel.wallClock().plusSeconds(60)));
            cancel.advanceWallClock(Duration.ofSeconds(61));
            assertThat(onlyChange().getStatus()).isEqualTo(RunStatus.CANCELLING);

            cancel.advanceWallClock(Duration.ofSeconds(11));
            assertThat(onlyChange().getEscalated()).isTrue();
        }
    }

    @Nested
    class Rule4Deadlines {

        @Test
        void aPassedDeadlineCancelsTheRunInTheProcessorsName() {
            Instant deadline = cancel.wallClock().plusSeconds(30);
            runState("run-1", RunStatus.RUNNING, 1, deadline);
            cancel.advanceWallClock(Duration.ofSeconds(29));
            nothingOut();

            cancel.advanceWallClock(Duration.ofSeconds(1));
            RunStateChange change = onlyChange();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getCancelledBy()).isEqualTo("controlplane:deadline");
            assertThat(change.getReason()).isEqualTo("deadline " + deadline + " passed");
            assertThat(change.getCommandId()).isEqualTo("deadline/run-1");
            assertThat(change.getVersion()).isEqualTo(2L);

            cancel.advanceWallClock(Duration.ofMinutes(1));
            runState("run-1", RunStatus.RUNNING, 2, deadline);
            nothingOut();
        }

        @Test
        void aLaterStateMovesOrClearsTheDeadline() {
            runState("run-1", RunStatus.RUNNING, 1, cancel.wallClock().plusSeconds(30));
            runState("run-1", RunStatus.RUNNING, 2, cancel.wallClock().plusSeconds(90));
            runState("run-2", RunStatus.RUNNING, 1, cancel.wallClock().plusSeconds(30));
            runState("run-2", RunStatus.RUNNING, 2, null);

            cancel.advanceWallClock(Duration.ofSeconds(60));
            nothingOut();
            cancel.advanceWallClock(Duration.ofSeconds(30));
            assertThat(onlyChange().getExecutionId()).isEqualTo("run-1");
            cancel.advanceWallClock(Duration.ofMinutes(5));
            nothingOut();
        }

        @Test
        void aRunThatEndedBeforeItsDeadlineIsLeftAlone() {
            runState("run-1", RunStatus.RUNNING, 1, cancel.wallClock().plusSeconds(30));
            runState("run-1", RunStatus.COMPLETED, 2, cancel.wallClock().plusSeconds(30));
            cancel.advanceWallClock(Duration.ofSeconds(60));
            nothingOut();
        }

        @Test
        void aDeadlinePassedAlreadyWhenItsStateArrivesFiresAtOnce() {
            runState("run-1", RunStatus.RUNNING, 1, cancel.wallClock().minusSeconds(5));
            assertThat(onlyChange().getCommandId()).isEqualTo("deadline/run-1");
        }

        @Test
        void aDeadlineBefore1970ThatArrivesInTheStartUpHoldFiresWhenTheHoldEnds() {
            cancel.close();
            cancel = new CancelDriver(Map.of(CancelProcessorConfig.NOT_FOUND_GRACE_MS, NOT_FOUND_GRACE.toMillis()));
            runState("run-1", RunStatus.RUNNING, 1, Instant.parse("1969-12-31T23:59:00Z"));
            nothingOut();

            cancel.advanceWallClock(NOT_FOUND_GRACE);
            assertThat(onlyChange().getCommandId()).isEqualTo("deadline/run-1");
        }

        @Test
        void theDeadlineActorAndAGracefulModeAreConfigured() {
            cancel.close();
            cancel = driver(Map.of(
                    CancelProcessorConfig.DEADLINE_ACTOR, "policy:budget",
                    CancelProcessorConfig.DEADLINE_MODE, "graceful",
                    CancelProcessorConfig.GRACEFUL_TIMEOUT_MS, 20_000L));
            runState("run-1", RunStatus.RUNNING, 1, cancel.wallClock().plusSeconds(10));
            cancel.advanceWallClock(Duration.ofSeconds(10));
            RunStateChange stopping = onlyChange();
            assertThat(stopping.getStatus()).isEqualTo(RunStatus.CANCELLING);
            assertThat(stopping.getCancelledBy()).isEqualTo("policy:budget");

            cancel.advanceWallClock(Duration.ofSeconds(20));
            RunStateChange forced = onlyChange();
            assertThat(forced.getEscalated()).isTrue();
            assertThat(forced.getCommandId()).isEqualTo("deadline/run-1");
        }
    }

    @Nested
    class Rule5AtMostOneCancelled {

        @Test
        void aScheduledCancelADeadlineAndAForceOnOneRunMakeOneCancelled() {
            Instant soon = cancel.wallClock().plusSeconds(30);
            runState("run-1", RunStatus.RUNNING, 1, soon);
            send(command("s1", "run-1", CancelMode.FORCE, null, soon));
            send(graceful("g1", "run-1"));
            cancel.advanceWallClock(Duration.ofSeconds(31));

            List<RunStateChange> changes = changes();
            assertThat(changes)
                    .extracting(RunStateChange::getStatus)
                    .containsExactly(RunStatus.CANCELLING, RunStatus.CANCELLED);
            // the scheduled FORCE came first (the deadline, due at the same time, found the run cancelled)
            assertThat(changes.get(1).getCommandId()).isEqualTo("s1");
            assertThat(changes.get(1).getEscalated()).isTrue();
            assertThat(cancel.rejections()).isEmpty();

            send(force("f1", "run-1"));
            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);

            cancel.advanceWallClock(GRACE.plusMinutes(1));
            nothingOut();
        }
    }

    @Nested
    class Rule6Cascading {

        @BeforeEach
        void family() {
            cancel.runState("parent", TENANT, RunStatus.RUNNING, 1, null);
            cancel.runState("child", TENANT, RunStatus.RUNNING, 1, "parent");
            cancel.runState("foreign", "tenant-b", RunStatus.RUNNING, 1, "parent");
        }

        @Test
        void aGracefulCancelAsksSameTenantDescendantsToStopWithTheSameGrace() {
            send(command("g1", "parent", CancelMode.GRACEFUL, 60_000L, null));

            List<RunStateChange> changes = changes();
            assertThat(changes).extracting(RunStateChange::getExecutionId).containsExactly("parent", "child");
            assertThat(changes).extracting(RunStateChange::getStatus).containsOnly(RunStatus.CANCELLING);
            assertThat(changes.get(1).getCascadedFrom()).isEqualTo("parent");
            assertThat(cascadeCount("cascade-cancelling-total")).isEqualTo(1);

            // the child confirms; the parent does not: each ends on its own
            runState("child", RunStatus.CANCELLED, 2, null);
            assertThat(onlyChange().getEscalated()).isFalse();
            cancel.advanceWallClock(Duration.ofSeconds(61));
            RunStateChange forced = onlyChange();
            assertThat(forced.getExecutionId()).isEqualTo("parent");
            assertThat(forced.getEscalated()).isTrue();
        }

        @Test
        void anEscalationForcesTheDescendantsStillStopping() {
            send(command("g1", "parent", CancelMode.GRACEFUL, 60_000L, null));
            changes();
            send(force("f1", "parent"));

            List<RunStateChange> changes = changes();
            assertThat(changes).extracting(RunStateChange::getExecutionId).containsExactly("parent", "child");
            assertThat(changes).extracting(RunStateChange::getStatus).containsOnly(RunStatus.CANCELLED);
            assertThat(changes).extracting(RunStateChange::getEscalated).containsOnly(true);

            cancel.advanceWallClock(Duration.ofMinutes(2));
            nothingOut();
        }
    }
}
