package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** How {@code cancel --graceful} reads what follows its command (CancelFollow: no Kafka). */
class CancelFollowTest {

    private static final Instant AT = Instant.parse("2026-11-25T18:00:00.123Z");

    private final CancelFollow follow = new CancelFollow("run-1", "c-1");

    private static RunStateChange change(
            String executionId, String commandId, RunStatus status, RunStatus was, long version, boolean escalated) {
        return RunStateChange.newBuilder()
                .setExecutionId(executionId)
                .setTenantId("acme")
                .setStatus(status)
                .setPreviousStatus(was)
                .setCancelledAt(AT)
                .setCancelledBy("alice")
                .setCommandId(commandId)
                .setVersion(version)
                .setEscalated(escalated)
                .build();
    }

    private static OutcomeReader.Seen changed(RunStateChange change) {
        return new OutcomeReader.Changed(change);
    }

    private static OutcomeReader.RunStateSeen state(RunStatus status, long version, long offset) {
        return new OutcomeReader.RunStateSeen(new RunState("run-1", "acme", status, version, AT, null, null), offset);
    }

    private Optional<CancelFollow.Step> cancellingRead() {
        return follow.seen(changed(change("run-1", "c-1", RunStatus.CANCELLING, RunStatus.RUNNING, 4, false)));
    }

    @Test
    void theCancellingIsPrintedAndTheWaitGoesOn() {
        assertThat(cancellingRead()).hasValueSatisfying(step -> {
            assertThat(step.line())
                    .isEqualTo("CANCELLING 'run-1' (tenant 'acme', was RUNNING, now version 4) by 'alice' at "
                            + "2026-11-25T18:00:00.123Z, command 'c-1'");
            assertThat(step.exitCode()).isEmpty();
        });
        assertThat(follow.cancelling()).isNotNull();
    }

    @Test
    void upstreamConfirmingEndsItGracefullyExitZero() {
        cancellingRead();
        Optional<CancelFollow.Step> end =
                follow.seen(changed(change("run-1", "c-1", RunStatus.CANCELLED, RunStatus.CANCELLING, 5, false)));
        assertThat(end).hasValueSatisfying(step -> {
            assertThat(step.line())
                    .startsWith("CANCELLED 'run-1' (tenant 'acme', was CANCELLING, now version 5)")
                    .endsWith(", command 'c-1': gracefully, upstream confirmed it stopped");
            assertThat(step.exitCode()).isEqualTo(OptionalInt.of(0));
        });
    }

    @Test
    void theGraceEndingEndsItEscalatedExitZero() {
        cancellingRead();
        assertThat(follow.seen(changed(change("run-1", "c-1", RunStatus.CANCELLED, RunStatus.CANCELLING, 5, true))))
                .hasValueSatisfying(step -> {
                    assertThat(step.line())
                            .endsWith(", command 'c-1', escalated: forced, as it had not stopped when its grace ended");
                    assertThat(step.exitCode()).isEqualTo(OptionalInt.of(0));
                });
    }

    @Test
    void aForceCommandEscalatingItCarriesItsOwnCommandIdAndStillEndsIt() {
        cancellingRead();
        assertThat(follow.seen(changed(change("run-1", "c-9", RunStatus.CANCELLED, RunStatus.CANCELLING, 5, true))))
                .hasValueSatisfying(step -> {
                    assertThat(step.line()).contains("command 'c-9', escalated").contains("forced by another command");
                    assertThat(step.exitCode()).isEqualTo(OptionalInt.of(0));
                });
    }

    @Test
    void otherRunsAndOtherCommandsBeforeTheCancellingAreNotItsOutcome() {
        assertThat(follow.seen(changed(change("run-2", "c-1", RunStatus.CANCELLED, RunStatus.RUNNING, 4, false))))
                .isEmpty();
        assertThat(follow.seen(changed(change("run-1", "c-9", RunStatus.CANCELLED, RunStatus.RUNNING, 4, false))))
                .isEmpty();
        assertThat(follow.seen(new OutcomeReader.Rejected(rejection("c-9")))).isEmpty();
        assertThat(follow.cancelling()).isNull();
    }

    @Test
    void itsRejectionEndsItExitTwo() {
        assertThat(follow.seen(new OutcomeReader.Rejected(rejection("c-1")))).hasValueSatisfying(step -> {
            assertThat(step.line()).startsWith("REJECTED ALREADY_TERMINAL 'run-1': ");
            assertThat(step.exitCode()).isEqualTo(OptionalInt.of(2));
        });
    }

    @Test
    void upstreamReportingAnotherEndAfterTheCancellingIsEndedOtherwiseExitFive() {
        cancellingRead();
        follow.seen(state(RunStatus.COMPLETED, 4, 17));

        assertThat(follow.endedOtherwise()).hasValueSatisfying(ended -> {
            assertThat(ended.offset()).isEqualTo(17);
            CancelFollow.Step step = follow.endedOtherwise(ended);
            assertThat(step.line())
                    .isEqualTo("ENDED 'run-1' COMPLETED (upstream, version 4) while CANCELLING: it ended before it "
                            + "stopped as asked, and was not cancelled (command 'c-1')");
            assertThat(step.exitCode()).isEqualTo(OptionalInt.of(5));
        });
    }

    @Test
    void aStateTheProcessorIgnoresOrUpstreamsConfirmationIsNotEndedOtherwise() {
        // read before the CANCELLING came: nothing to judge it against yet
        follow.seen(state(RunStatus.FAILED, 3, 10));
        assertThat(follow.endedOtherwise()).isEmpty();
        cancellingRead();
        // version 3: not newer than the state the CANCELLING (version 4) replaced
        assertThat(follow.endedOtherwise()).isEmpty();
        // a newer running state, then a terminal one no newer than it
        follow.seen(state(RunStatus.RUNNING, 5, 11));
        follow.seen(state(RunStatus.COMPLETED, 5, 12));
        assertThat(follow.endedOtherwise()).isEmpty();
        // upstream confirms: the processor writes the run's CANCELLED, and a later terminal state is ignored
        follow.seen(state(RunStatus.CANCELLED, 6, 13));
        follow.seen(state(RunStatus.ABORTED, 7, 14));
        assertThat(follow.endedOtherwise()).isEmpty();
    }

    private static CancelRejection rejection(String commandId) {
        return CancelRejection.newBuilder()
                .setCommandId(commandId)
                .setExecutionId("run-1")
                .setCancelledBy("alice")
                .setCode(RejectionCode.ALREADY_TERMINAL)
                .setMessage("run-1 is COMPLETED")
                .setObservedStatus(RunStatus.COMPLETED)
                .setRejectedAt(AT)
                .setCommand(null)
                .setTraceId(null)
                .build();
    }
}
