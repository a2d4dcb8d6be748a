package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.decision.CommandValidation;
import io.controlplane.cancel.decision.RejectionMessages;
import io.controlplane.cancel.state.ExecutionRecordFormat;
import io.controlplane.cancel.state.WaitingCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each rule and guarantee of controlPlane.execution.cancel, through the real topology. */
class CancelTopologyTest {

    private static final Duration GRACE = Duration.ofSeconds(10);

    private CancelDriver cancel = new CancelDriver();

    @AfterEach
    void close() {
        cancel.close();
    }

    private RunStateChange onlyCancellation() {
        List<TestRecord<String, RunStateChange>> changes = cancel.changes();
        assertThat(cancel.rejections()).isEmpty();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).key()).isEqualTo(changes.get(0).value().getExecutionId());
        return changes.get(0).value();
    }

    /** The message the decider gives an invalid command: its text is pinned in CancelDeciderTest. */
    private static String invalidMessage(String key, CancelCommand command) {
        return RejectionMessages.invalid(CommandValidation.problem(key, command).orElseThrow());
    }

    private void assertNoOutput() {
        assertThat(cancel.changes()).isEmpty();
        assertThat(cancel.rejections()).isEmpty();
    }

    @Nested
    class Rule1InvalidCommand {

        @Test
        void missingCommandIdIsRejectedAsInvalid() {
            cancel.admin("alice");
            CancelCommand command = cancel.command(null, "run-1", "alice");
            cancel.send("run-1", command);
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejection.getMessage()).isEqualTo(invalidMessage("run-1", command));
            assertThat(rejection.getCommand()).isNotNull();
        }

        @Test
        void blankExecutionIdIsRejectedAsInvalid() {
            CancelCommand command = cancel.command("c1", "  ", "alice");
            cancel.send(null, command);
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejection.getMessage()).isEqualTo(invalidMessage(null, command));
            assertThat(rejection.getCommandId()).isEqualTo("c1");
        }

        @Test
        void missingCancelledByIsRejectedAsInvalid() {
            CancelCommand command = cancel.command("c1", "run-1", null);
            cancel.send("run-1", command);
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejection.getMessage()).isEqualTo(invalidMessage("run-1", command));
        }

        @Test
        void reasonOverOneThousandTwentyFourCharactersIsRejectedAsInvalid() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            CancelCommand command = cancel.command("c1", "run-1", "alice");
            command.setReason("x".repeat(1025));
            cancel.send("run-1", command);
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejection.getMessage()).isEqualTo(invalidMessage("run-1", command));
        }

        @Test
        void reasonOfExactlyOneThousandTwentyFourCharactersIsAccepted() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            CancelCommand command = cancel.command("c1", "run-1", "alice");
            command.setReason("x".repeat(1024));
            cancel.send("run-1", command);
            assertThat(onlyCancellation().getReason()).hasSize(1024);
        }

        @Test
        void keyOtherThanExecutionIdIsRejectedAsInvalid() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            CancelCommand command = cancel.command("c1", "run-1", "alice");
            cancel.send("run-2", command);
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejection.getMessage()).isEqualTo(invalidMessage("run-2", command));
        }

        @Test
        void nullKeyIsRekeyedByExecutionIdThroughARepartition() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.send(null, cancel.command("c1", "run-1", "alice"));
            assertThat(onlyCancellation().getExecutionId()).isEqualTo("run-1");
            assertThat(cancel.driver.producedTopicNames()).anyMatch(t -> t.endsWith("-repartition"));
        }

        @Test
        void invalidUnkeyedCommandIsRejectedWhereItArrivedWithoutARepartition() {
            cancel.admin("alice");
            CancelCommand command = cancel.command("cmd-big", "x".repeat(600_000), "alice");
            cancel.send(null, command);
            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(cancel.driver.producedTopicNames()).noneMatch(t -> t.endsWith("-repartition"));
        }

        @Test
        void idsThatWouldCollideUnderTheStoreSeparatorAreBothInvalid() {
            cancel.admin("alice");
            cancel.send("a\u0000b", cancel.command("c", "a\u0000b", "alice"));
            cancel.send("a", cancel.command("b\u0000c", "a", "alice"));
            assertThat(cancel.rejections())
                    .extracting(r -> r.value().getCode())
                    .containsExactly(RejectionCode.INVALID_COMMAND, RejectionCode.INVALID_COMMAND);
            assertThat(cancel.changes()).isEmpty();
        }

        @Test
        void correctlyKeyedCommandDoesNotPayForARepartition() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            onlyCancellation();
            assertThat(cancel.driver.producedTopicNames()).noneMatch(t -> t.endsWith("-repartition"));
        }
    }

    @Nested
    class Rule2Unauthorized {

        @Test
        void actorWithoutAnyGrantIsUnauthorized() {
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "mallory");
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
            assertThat(rejection.getMessage()).isEqualTo(RejectionMessages.unauthorized("mallory", "admin"));
        }

        @Test
        void actorWithoutTheRequiredRoleIsUnauthorized() {
            cancel.grant("bob", List.of("viewer"), List.of("*"));
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "bob");
            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        }

        @Test
        void unauthorizedRevealsNothingAboutTheExecution() {
            cancel.runState("run-1", RunStatus.COMPLETED, 3);
            cancel.cancel("run-1", "mallory");
            cancel.cancel("no-such-run", "mallory");
            List<TestRecord<String, CancelRejection>> rejections = cancel.rejections();
            CancelRejection existing = rejections.get(0).value();
            CancelRejection missing = rejections.get(1).value();
            assertThat(existing.getMessage()).isEqualTo(missing.getMessage());
            assertThat(existing.getObservedStatus()).isNull();
            assertThat(existing.getMessage()).doesNotContain("run-1", TENANT, "COMPLETED");
        }

        @Test
        void requiredRoleIsConfigurable() {
            cancel.close();
            cancel = new CancelDriver(Map.of(CancelProcessorConfig.REQUIRED_ROLE, "operator"));
            cancel.grant("alice", List.of("admin"), List.of("*"));
            cancel.grant("olga", List.of("operator"), List.of("*"));
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            cancel.cancel("run-1", "olga");
            assertThat(cancel.rejections())
                    .extracting(r -> r.value().getCode())
                    .containsExactly(RejectionCode.UNAUTHORIZED);
            assertThat(cancel.changes())
                    .extracting(r -> r.value().getCancelledBy())
                    .containsExactly("olga");
        }
    }

    @Nested
    class Rule3ExecutionNotFound {

        @Test
        void commandWithoutRunStateWaitsForTheGraceThenIsNotFound() {
            cancel.admin("alice");
            cancel.cancel("run-1", "alice");
            cancel.advanceWallClock(GRACE.minusSeconds(2));
            assertNoOutput();
            cancel.advanceWallClock(Duration.ofSeconds(3));
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
            assertThat(rejection.getMessage()).isEqualTo(RejectionMessages.notFound("run-1"));
            assertThat(rejection.getRejectedAt()).isEqualTo(cancel.wallClock());
        }

        @Test
        void runStateArrivingWithinTheGraceIsUsed() {
            cancel.admin("alice");
            cancel.cancel("run-1", "alice");
            cancel.advanceWallClock(Duration.ofSeconds(5));
            cancel.runState("run-1", RunStatus.RUNNING, 7);
            RunStateChange change = onlyCancellation();
            assertThat(change.getVersion()).isEqualTo(8);
            cancel.advanceWallClock(GRACE);
            assertNoOutput();
        }

        @Test
        void zeroGraceMeansNoWait() {
            cancel.close();
            cancel = new CancelDriver(Map.of(CancelProcessorConfig.NOT_FOUND_GRACE_MS, 0));
            cancel.admin("alice");
            cancel.cancel("run-1", "alice");
            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
        }

        @Test
        void waitingCommandsAreWrittenToAChangelogSoTheySurviveARestart() {
            cancel.admin("alice");
            CancelCommand waiting = cancel.cancel("run-1", "alice");
            ExecutionRecordFormat format = new ExecutionRecordFormat();
            List<TestRecord<String, byte[]>> changelog = cancel.read(
                    "controlplane-execution-cancel-" + CancelStores.EXECUTIONS + "-changelog",
                    new ByteArrayDeserializer());
            assertThat(changelog)
                    .extracting(record -> format.decode(record.value()).getWaiting())
                    .singleElement()
                    .satisfies(commands -> assertThat(commands)
                            .extracting(WaitingCommand::getCommand)
                            .containsExactly(waiting));
        }
    }

    @Nested
    class Rule4TenantNotCovered {

        @Test
        void runInAnotherTenantLooksExactlyLikeAMissingRun() {
            cancel.grant("alice", List.of("admin"), List.of("tenant-b"));
            cancel.runState("run-1", TENANT, RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            cancel.cancel("run-2", "alice");
            cancel.advanceWallClock(GRACE.minusSeconds(1));
            assertNoOutput();
            cancel.advanceWallClock(Duration.ofSeconds(2));
            List<TestRecord<String, CancelRejection>> rejections = cancel.rejections();
            assertThat(rejections).hasSize(2);
            CancelRejection foreign = rejections.get(0).value();
            CancelRejection missing = rejections.get(1).value();
            assertThat(foreign.getCode()).isEqualTo(missing.getCode()).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
            assertThat(foreign.getMessage()).isEqualTo(missing.getMessage().replace("run-2", "run-1"));
            assertThat(foreign.getObservedStatus()).isNull();
            assertThat(foreign.getRejectedAt()).isEqualTo(missing.getRejectedAt());
            assertThat(cancel.changes()).isEmpty();
        }

        @Test
        void wildcardTenantCoversEveryTenant() {
            cancel.grant("root", List.of("admin"), List.of("*"));
            cancel.runState("run-1", "tenant-z", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "root");
            assertThat(onlyCancellation().getTenantId()).isEqualTo("tenant-z");
        }
    }

    @Nested
    class Rule5AlreadyTerminal {

        @ParameterizedTest
        @EnumSource(
                value = RunStatus.class,
                names = {"COMPLETED", "FAILED", "CANCELLED", "ABORTED"})
        void terminalRunIsRejectedWithTheObservedStatus(RunStatus terminal) {
            cancel.admin("alice");
            cancel.runState("run-1", terminal, 4);
            cancel.cancel("run-1", "alice");
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
            assertThat(rejection.getObservedStatus()).isEqualTo(terminal);
            assertThat(rejection.getMessage()).isEqualTo(RejectionMessages.alreadyTerminal("run-1", terminal));
        }

        @Test
        void unknownStatusIsNotCancellableAndSaysSo() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.UNKNOWN, 4);
            cancel.cancel("run-1", "alice");
            CancelRejection rejection = cancel.onlyRejection();
            assertThat(rejection.getObservedStatus()).isEqualTo(RunStatus.UNKNOWN);
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
            assertThat(rejection.getMessage()).isEqualTo(RejectionMessages.unknownStatus("run-1", RunStatus.UNKNOWN));
        }
    }

    @Nested
    class Rule6Cancelled {

        @ParameterizedTest
        @EnumSource(
                value = RunStatus.class,
                names = {"PENDING", "QUEUED", "RUNNING", "WAITING", "AWAITING_APPROVAL", "PAUSED"})
        void cancellableRunGetsExactlyOneTerminalRecord(RunStatus status) {
            cancel.admin("alice");
            cancel.runState("run-1", status, 41);
            cancel.advanceWallClock(Duration.ofMillis(1500));
            CancelCommand command = cancel.cancel("run-1", "alice");
            RunStateChange change = onlyCancellation();
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getPreviousStatus()).isEqualTo(status);
            assertThat(change.getVersion()).isEqualTo(42);
            assertThat(change.getTenantId()).isEqualTo(TENANT);
            assertThat(change.getCancelledBy()).isEqualTo("alice");
            assertThat(change.getReason()).isEqualTo("operator request");
            assertThat(change.getCommandId()).isEqualTo(command.getCommandId());
            assertThat(change.getTraceId()).isEqualTo(command.getTraceId());
            assertThat(change.getCancelledAt()).isEqualTo(cancel.wallClock());
        }

        @Test
        void rejectionCopiesTheTraceId() {
            CancelCommand command = cancel.cancel("run-1", "mallory");
            assertThat(cancel.onlyRejection().getTraceId()).isEqualTo(command.getTraceId());
        }
    }

    @Nested
    class AtMostOneCancellationPerExecution {

        @Test
        void laterDistinctCommandSeesAlreadyTerminalCancelled() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            cancel.cancel("run-1", "alice");
            assertThat(cancel.changes()).hasSize(1);
            CancelRejection second = cancel.rejections().get(0).value();
            assertThat(second.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
            assertThat(second.getObservedStatus()).isEqualTo(RunStatus.CANCELLED);
        }

        @Test
        void doesNotWaitForUpstreamToEchoTheCancellation() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            cancel.runState("run-1", RunStatus.RUNNING, 2); // upstream has not seen the cancellation yet
            cancel.cancel("run-1", "alice");
            assertThat(cancel.changes()).hasSize(1);
            assertThat(cancel.rejections())
                    .extracting(r -> r.value().getObservedStatus())
                    .containsExactly(RunStatus.CANCELLED);
        }

        @Test
        void holdsEvenAfterUpstreamDeletesAndRecreatesTheRun() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            cancel.deleteRun("run-1");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            assertThat(cancel.changes()).hasSize(1);
            assertThat(cancel.rejections())
                    .extracting(r -> r.value().getCode())
                    .containsExactly(RejectionCode.ALREADY_TERMINAL);
        }

        @Test
        void severalWaitingCommandsResolveToOneCancellation() {
            cancel.admin("alice");
            cancel.cancel("run-1", "alice");
            cancel.cancel("run-1", "alice");
            cancel.cancel("run-1", "alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            assertThat(cancel.changes()).hasSize(1);
            assertThat(cancel.rejections())
                    .extracting(r -> r.value().getCode())
                    .containsExactly(RejectionCode.ALREADY_TERMINAL, RejectionCode.ALREADY_TERMINAL);
        }
    }

    @Nested
    class Idempotency {

        @Test
        void repeatedCommandIdProducesNoFurtherOutput() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            CancelCommand command = cancel.cancel("run-1", "alice");
            cancel.send("run-1", command);
            cancel.send("run-1", command);
            onlyCancellation();
        }

        @Test
        void repeatedRejectedCommandIdProducesNoFurtherOutput() {
            CancelCommand command = cancel.cancel("run-1", "mallory");
            cancel.send("run-1", command);
            cancel.onlyRejection();
        }

        @Test
        void repeatOfAWaitingCommandProducesOneOutcome() {
            cancel.admin("alice");
            CancelCommand command = cancel.cancel("run-1", "alice");
            cancel.send("run-1", command);
            cancel.advanceWallClock(GRACE.plusSeconds(1));
            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
        }

        @Test
        void commandIdIsForgottenAfterTheRetention() {
            cancel.close();
            cancel = new CancelDriver(Map.of(
                    CancelProcessorConfig.DEDUP_RETENTION_MS,
                    Duration.ofHours(1).toMillis()));
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            CancelCommand command = cancel.cancel("run-1", "alice");
            onlyCancellation();
            cancel.advanceWallClock(Duration.ofMinutes(59));
            cancel.send("run-1", command);
            assertNoOutput();
            cancel.advanceWallClock(Duration.ofHours(2));
            cancel.send("run-1", command);
            assertThat(cancel.onlyRejection().getObservedStatus()).isEqualTo(RunStatus.CANCELLED);
        }

        @Test
        void recordTimestampsDecideNothing() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            CancelCommand command = cancel.command("cmd-t", "run-1", "alice");
            // a far-future timestamp must not age the decision out of the dedup store
            cancel.send("run-1", command, Instant.parse("2100-01-01T00:00:00Z"));
            onlyCancellation();
            for (Instant timestamp : List.of(
                    Instant.ofEpochMilli(-1),
                    Instant.EPOCH,
                    Instant.parse("1971-01-01T00:00:00Z"),
                    Instant.parse("2100-01-01T00:00:00Z"))) {
                cancel.send("run-1", command, timestamp);
                assertNoOutput();
            }
            cancel.runState("run-2", RunStatus.RUNNING, 1);
            cancel.send("run-2", cancel.command("cmd-u", "run-2", "alice"), Instant.ofEpochMilli(-42));
            onlyCancellation();
        }
    }

    @Nested
    class RunStateUpdates {

        @Test
        void updateWithAVersionNotHigherThanTheHeldOneIsIgnored() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.COMPLETED, 5);
            cancel.runState("run-1", RunStatus.RUNNING, 5);
            cancel.runState("run-1", RunStatus.RUNNING, 4);
            cancel.cancel("run-1", "alice");
            assertThat(cancel.onlyRejection().getObservedStatus()).isEqualTo(RunStatus.COMPLETED);
        }

        @Test
        void terminalStateIsNeverReopened() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.FAILED, 5);
            cancel.runState("run-1", RunStatus.RUNNING, 6);
            cancel.cancel("run-1", "alice");
            assertThat(cancel.onlyRejection().getObservedStatus()).isEqualTo(RunStatus.FAILED);
        }

        @Test
        void newerVersionReplacesTheHeldState() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.PENDING, 1);
            cancel.runState("run-1", RunStatus.PAUSED, 2);
            cancel.cancel("run-1", "alice");
            RunStateChange change = onlyCancellation();
            assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.PAUSED);
            assertThat(change.getVersion()).isEqualTo(3);
        }

        @Test
        void tombstoneRemovesTheRun() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.deleteRun("run-1");
            cancel.cancel("run-1", "alice");
            cancel.advanceWallClock(GRACE.plusSeconds(1));
            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
        }
    }

    @Nested
    class Grants {

        @Test
        void grantTombstoneRevokesForCommandsProcessedAfterwards() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.runState("run-2", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            cancel.revoke("alice");
            cancel.cancel("run-2", "alice");
            assertThat(cancel.changes())
                    .extracting(r -> r.value().getExecutionId())
                    .containsExactly("run-1");
            assertThat(cancel.rejections())
                    .extracting(r -> r.value().getCode())
                    .containsExactly(RejectionCode.UNAUTHORIZED);
        }

        @Test
        void undecodableGrantRevokesTheGrantOfTheActorItsKeyNames() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.grantRecord("alice", new byte[] {0, 0, 0, 0x7f, 0x7f, 1, 2, 3});
            cancel.cancel("run-1", "alice");
            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        }

        @Test
        void grantThatDoesNotNameTheActorItsKeyNamesRevokesThatActor() {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.runState("run-2", RunStatus.RUNNING, 1);
            cancel.grantFor("alice", new OperatorGrant("mallory", List.of("admin"), List.of("*")));
            cancel.cancel("run-1", "alice");
            cancel.cancel("run-2", "mallory");
            assertThat(cancel.changes()).isEmpty();
            assertThat(cancel.rejections())
                    .extracting(r -> r.value().getCode())
                    .containsExactly(RejectionCode.UNAUTHORIZED, RejectionCode.UNAUTHORIZED);
        }

        @Test
        void grantWithAControlCharacterInItsActorIdGrantsNothing() {
            cancel.grantFor("ops\u0000", new OperatorGrant("ops\u0000", List.of("admin"), List.of("*")));
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "ops\u0000");
            assertThat(cancel.onlyRejection().getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        }

        @Test
        void grantRecordWithoutAKeyIsIgnored() {
            cancel.admin("alice");
            cancel.grantRecord(null, new byte[] {1, 2, 3});
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            cancel.cancel("run-1", "alice");
            onlyCancellation();
        }
    }
}
