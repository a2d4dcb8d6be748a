package io.controlplane.cancel.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision function alone: no Kafka, so each rule's precedence is cheap to pin down. */
class CancelDeciderTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final CancelDecider DECIDER = new CancelDecider(new CancelPolicy("admin", Duration.ofSeconds(10)));
    private static final OperatorGrant ADMIN = new OperatorGrant("alice", List.of("admin"), List.of("t1"));
    private static final RunState RUNNING = new RunState("run-1", "t1", RunStatus.RUNNING, 3L, NOW, null, null);

    private static CancelCommand command() {
        return new CancelCommand("c1", "run-1", "alice", null, NOW, "trace-1", CancelMode.FORCE, null, null);
    }

    private static final SeenCommands NOTHING_SEEN = new SeenCommands() {
        @Override
        public boolean decided(String commandId) {
            return false;
        }

        @Override
        public boolean waiting(String executionId, String commandId) {
            return false;
        }
    };

    private static Decision decide(CancelCommand command, RunState run, OperatorGrant grant, boolean mayWait) {
        return DECIDER.decide(input(
                "run-1", command, run, null, grant, NOTHING_SEEN, mayWait ? Moment.ARRIVED : Moment.GRACE_EXPIRED));
    }

    private static DecisionInput input(
            String key,
            CancelCommand command,
            RunState run,
            RunStateChange own,
            OperatorGrant grant,
            SeenCommands seen,
            Moment moment) {
        return new DecisionInput(key, command, run, own, grant, seen, moment, NOW);
    }

    private static RejectionCode code(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Reject.class);
        return ((Decision.Reject) decision).rejection().getCode();
    }

    @Test
    void duplicateComesBeforeEveryRule() {
        SeenCommands decidedC1 = new SeenCommands() {
            @Override
            public boolean decided(String commandId) {
                return commandId.equals("c1");
            }

            @Override
            public boolean waiting(String executionId, String commandId) {
                return false;
            }
        };
        CancelCommand invalid = command();
        invalid.setCancelledBy(null);
        Decision decision = DECIDER.decide(input("other", invalid, null, null, null, decidedC1, Moment.ARRIVED));
        assertThat(decision).isInstanceOf(Decision.Duplicate.class);
    }

    @Test
    void commandIdWaitingForItsRunIsADuplicate() {
        SeenCommands waitingC1 = new SeenCommands() {
            @Override
            public boolean decided(String commandId) {
                return false;
            }

            @Override
            public boolean waiting(String executionId, String commandId) {
                return executionId.equals("run-1") && commandId.equals("c1");
            }
        };
        assertThat(DECIDER.decide(input("run-1", command(), RUNNING, null, ADMIN, waitingC1, Moment.ARRIVED)))
                .isInstanceOf(Decision.Duplicate.class);
        // judged again when its run state arrives, the waiting command is not its own duplicate
        assertThat(DECIDER.decide(input("run-1", command(), RUNNING, null, ADMIN, waitingC1, Moment.RUN_STATE_CHANGED)))
                .isInstanceOf(Decision.Cancel.class);
    }

    @Test
    void commandWithoutAnIdIsNeverADuplicate() {
        SeenCommands everything = new SeenCommands() {
            @Override
            public boolean decided(String commandId) {
                return true;
            }

            @Override
            public boolean waiting(String executionId, String commandId) {
                return true;
            }
        };
        CancelCommand anonymous = command();
        anonymous.setCommandId(" ");
        assertThat(code(DECIDER.decide(input("run-1", anonymous, RUNNING, null, ADMIN, everything, Moment.ARRIVED))))
                .isEqualTo(RejectionCode.INVALID_COMMAND);
    }

    @Test
    void commandWithAnOverlongIdOrActorIsNeverRememberedSoNeverADuplicate() {
        CancelCommand longId = command();
        longId.setCommandId("c".repeat(CancelPolicy.MAX_ID_LENGTH + 1));
        CancelCommand longActor = command();
        longActor.setCancelledBy("a".repeat(CancelPolicy.MAX_ID_LENGTH + 1));
        assertThat(CommandValidation.isRecognisable(longId)).isFalse();
        assertThat(CommandValidation.isRecognisable(longActor)).isFalse();
        assertThat(CommandValidation.isRecognisable(command())).isTrue();
    }

    @Test
    void ownCancellationWinsOverWhateverUpstreamSays() {
        RunStateChange own = RunStateChange.newBuilder()
                .setExecutionId("run-1")
                .setTenantId("t1")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(NOW)
                .setCancelledBy("bob")
                .setReason(null)
                .setCommandId("c0")
                .setVersion(4L)
                .setTraceId(null)
                .build();
        RunState recreated = new RunState("run-1", "t1", RunStatus.RUNNING, 1L, NOW, null, null);
        Decision decision =
                DECIDER.decide(input("run-1", command(), recreated, own, ADMIN, NOTHING_SEEN, Moment.ARRIVED));
        assertThat(code(decision)).isEqualTo(RejectionCode.ALREADY_TERMINAL);
        assertThat(((Decision.Reject) decision).rejection().getObservedStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(code(DECIDER.decide(input("run-1", command(), null, own, ADMIN, NOTHING_SEEN, Moment.ARRIVED))))
                .isEqualTo(RejectionCode.ALREADY_TERMINAL);
    }

    @Test
    void commandMayWaitOnlyWhileTheGraceIsAboveZero() {
        CancelDecider noGrace = new CancelDecider(new CancelPolicy("admin", Duration.ZERO));
        assertThat(code(noGrace.decide(input("run-1", command(), null, null, ADMIN, NOTHING_SEEN, Moment.ARRIVED))))
                .isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
        assertThat(DECIDER.decide(input("run-1", command(), null, null, ADMIN, NOTHING_SEEN, Moment.RUN_STATE_CHANGED)))
                .isInstanceOf(Decision.Wait.class);
    }

    @Test
    void invalidComesBeforeUnauthorized() {
        CancelCommand command = command();
        command.setCancelledBy(" ");
        assertThat(code(decide(command, RUNNING, null, true))).isEqualTo(RejectionCode.INVALID_COMMAND);
    }

    @Test
    void unauthorizedComesBeforeNotFoundAndNeverWaits() {
        assertThat(code(decide(command(), null, null, true))).isEqualTo(RejectionCode.UNAUTHORIZED);
    }

    @Test
    void missingRunWaitsWhileWaitingIsAllowed() {
        assertThat(decide(command(), null, ADMIN, true)).isInstanceOf(Decision.Wait.class);
        assertThat(code(decide(command(), null, ADMIN, false))).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
    }

    @Test
    void foreignTenantComesBeforeAlreadyTerminal() {
        RunState foreignCompleted = new RunState("run-1", "t2", RunStatus.COMPLETED, 3L, NOW, null, null);
        assertThat(code(decide(command(), foreignCompleted, ADMIN, false)))
                .isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
    }

    @Test
    void cancellationReplacesTheVersionItSaw() {
        Decision decision = decide(command(), RUNNING, ADMIN, true);
        assertThat(decision).isInstanceOf(Decision.Cancel.class);
        var change = ((Decision.Cancel) decision).change();
        assertThat(change.getVersion()).isEqualTo(4);
        assertThat(change.getCancelledAt()).isEqualTo(NOW);
        assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void idWithAControlCharacterIsInvalid() {
        for (String id : List.of("a\u0000b", "a\u001fb", "a\u007fb", "\nrun")) {
            CancelCommand badCommandId = command();
            badCommandId.setCommandId(id);
            CancelCommand badExecutionId = command();
            badExecutionId.setExecutionId(id);
            CancelCommand badActor = command();
            badActor.setCancelledBy(id);
            for (CancelCommand command : List.of(badCommandId, badExecutionId, badActor)) {
                Decision decision =
                        DECIDER.decide(input(null, command, RUNNING, null, ADMIN, NOTHING_SEEN, Moment.ARRIVED));
                assertThat(code(decision)).isEqualTo(RejectionCode.INVALID_COMMAND);
                assertThat(((Decision.Reject) decision).rejection().getMessage())
                        .contains("control character");
            }
        }
    }

    @Test
    void onlyAValidUnkeyedCommandIsReKeyed() {
        assertThat(CommandValidation.needsRekey(null, command())).isTrue();
        assertThat(CommandValidation.needsRekey("run-1", command())).isFalse();
        CancelCommand invalid = command();
        invalid.setCancelledBy("");
        assertThat(CommandValidation.needsRekey(null, invalid)).isFalse();
        CancelCommand overlong = command();
        overlong.setExecutionId("x".repeat(CancelPolicy.MAX_ID_LENGTH + 1));
        assertThat(CommandValidation.needsRekey(null, overlong)).isFalse();
        CancelCommand controlled = command();
        controlled.setExecutionId("run\u00001");
        assertThat(CommandValidation.needsRekey(null, controlled)).isFalse();
    }

    // --- every message's text, pinned here once; other tests compare with RejectionMessages --------

    private static String message(Decision decision) {
        return ((Decision.Reject) decision).rejection().getMessage();
    }

    @Test
    void invalidCommandSaysWhatIsWrongWithIt() {
        CancelCommand noId = command();
        noId.setCommandId(null);
        assertThat(message(decide(noId, RUNNING, ADMIN, true)))
                .isEqualTo("Expected a cancel command with a commandId,"
                        + " an executionId and a cancelledBy, but its commandId is missing or blank.");
        CancelCommand longReason = command();
        longReason.setReason("x".repeat(1025));
        assertThat(message(decide(longReason, RUNNING, ADMIN, true)))
                .isEqualTo(
                        "Expected a cancel command with a"
                                + " commandId, an executionId and a cancelledBy, but its reason has 1025 characters, more than the 1024"
                                + " allowed (this rejection keeps only the first 256 characters of an id and 1024 of the reason).");
        assertThat(message(
                        DECIDER.decide(input("run-2", command(), RUNNING, null, ADMIN, NOTHING_SEEN, Moment.ARRIVED))))
                .isEqualTo("Expected a cancel command with a commandId, an executionId and a"
                        + " cancelledBy, but its record key 'run-2' is not its executionId 'run-1'.");
        CancelCommand controlled = command();
        controlled.setCancelledBy("al\u0000ice");
        assertThat(message(decide(controlled, RUNNING, ADMIN, true)))
                .endsWith("but its cancelledBy contains the control character U+0000 at position 2.");
    }

    @Test
    void unauthorizedNamesTheActorAndTheRoleOnly() {
        assertThat(message(decide(command(), RUNNING, null, true)))
                .isEqualTo("Expected actor 'alice' to hold the 'admin' role to cancel executions, but it does not.");
    }

    @Test
    void notFoundAlreadyTerminalAndUnknownStatusNameTheExecution() {
        assertThat(message(decide(command(), null, ADMIN, false)))
                .isEqualTo("Expected to cancel execution 'run-1', but no such execution exists.");
        assertThat(message(decide(
                        command(), new RunState("run-1", "t1", RunStatus.FAILED, 3L, NOW, null, null), ADMIN, false)))
                .isEqualTo("Expected to cancel execution 'run-1', but it is already FAILED.");
        assertThat(message(decide(
                        command(), new RunState("run-1", "t1", RunStatus.UNKNOWN, 3L, NOW, null, null), ADMIN, false)))
                .isEqualTo("Expected to cancel execution 'run-1', but its status is one this processor does not know"
                        + " (UNKNOWN), so it is not treated as cancellable.");
    }

    @Test
    void runStateRulesKeepNewerNonTerminalUpdatesOnly() {
        RunState completed = new RunState("run-1", "t1", RunStatus.COMPLETED, 3L, NOW, null, null);
        RunState newer = new RunState("run-1", "t1", RunStatus.RUNNING, 4L, NOW, null, null);
        RunState same = new RunState("run-1", "t1", RunStatus.PAUSED, 3L, NOW, null, null);
        assertThat(RunStateRules.replaces(null, same)).isTrue();
        assertThat(RunStateRules.replaces(RUNNING, newer)).isTrue();
        assertThat(RunStateRules.replaces(RUNNING, same)).isFalse();
        assertThat(RunStateRules.replaces(completed, newer)).isFalse();
    }
}
