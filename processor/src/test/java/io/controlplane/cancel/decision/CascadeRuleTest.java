package io.controlplane.cancel.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CascadeRuleTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static RunStateChange cancelled(String executionId, String tenantId, String commandId, String from) {
        return RunStateChange.newBuilder()
                .setExecutionId(executionId)
                .setTenantId(tenantId)
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(NOW.minusSeconds(5))
                .setCancelledBy("alice")
                .setReason("stuck")
                .setCommandId(commandId)
                .setVersion(4L)
                .setTraceId("trace-1")
                .setCascadedFrom(from)
                .build();
    }

    private static RunStateChange parentCancelled() {
        return cancelled("parent", "t1", "cmd-1", null);
    }

    private static RunState child(String tenantId, RunStatus status) {
        return new RunState("child", tenantId, status, 7L, NOW, "parent", null);
    }

    private static CascadeRule.Result decide(RunStateChange cause, RunState child, RunStateChange own, boolean passed) {
        return CascadeRule.decide(cause, Duration.ZERO, "child", child, own, null, passed, NOW);
    }

    @Test
    void cascadedCancelCarriesTheStartingCommandAndNamesTheCancelledRun() {
        CascadeRule.Result result = decide(parentCancelled(), child("t1", RunStatus.PAUSED), null, false);
        assertThat(result).isInstanceOf(CascadeRule.Cancel.class);
        RunStateChange change = ((CascadeRule.Cancel) result).cancel().change();
        assertThat(change.getExecutionId()).isEqualTo("child");
        assertThat(change.getTenantId()).isEqualTo("t1");
        assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.PAUSED);
        assertThat(change.getCancelledAt()).isEqualTo(NOW);
        assertThat(change.getCancelledBy()).isEqualTo("alice");
        assertThat(change.getReason()).isEqualTo("stuck");
        assertThat(change.getTraceId()).isEqualTo("trace-1");
        assertThat(change.getCommandId()).isEqualTo("cmd-1/child");
        assertThat(change.getVersion()).isEqualTo(8L);
        assertThat(change.getCascadedFrom()).isEqualTo("parent");
    }

    @Test
    void aGrandchildsCommandIdIsTheStartingCommandsNotItsParents() {
        RunStateChange middleCancelled = cancelled("mid/dle", "t1", "a/b/mid/dle", "root");
        CascadeRule.Result result = decide(middleCancelled, child("t1", RunStatus.RUNNING), null, false);
        assertThat(((CascadeRule.Cancel) result).cancel().change().getCommandId())
                .isEqualTo("a/b/child");
        assertThat(CascadeRule.startingCommandId(cancelled("p", "t1", "x/p", null)))
                .as("a direct cancellation's id is the command's own, slashes and all")
                .isEqualTo("x/p");
    }

    @Test
    void childInAnotherTenantIsPassedThroughNeverCancelled() {
        assertThat(decide(parentCancelled(), child("t2", RunStatus.RUNNING), null, false))
                .isEqualTo(new CascadeRule.PassThrough(CascadeRule.Reason.OTHER_TENANT));
        RunStateChange cancelledInItsOwnTenant = cancelled("child", "t2", "other", null);
        assertThat(decide(parentCancelled(), child("t2", RunStatus.RUNNING), cancelledInItsOwnTenant, false))
                .isEqualTo(new CascadeRule.PassThrough(CascadeRule.Reason.OTHER_TENANT));
    }

    @ParameterizedTest
    @EnumSource(
            value = RunStatus.class,
            names = {"COMPLETED", "FAILED", "CANCELLED", "ABORTED", "UNKNOWN"})
    void childThatEndedOrIsUnknownIsPassedThroughNotRejected(RunStatus status) {
        assertThat(decide(parentCancelled(), child("t1", status), null, false))
                .isEqualTo(new CascadeRule.PassThrough(CascadeRule.Reason.TERMINAL));
    }

    @Test
    void childCancelledAlreadyInTheTenantGetsNothingWhateverUpstreamSays() {
        RunStateChange own = cancelled("child", "t1", "other", null);
        assertThat(decide(parentCancelled(), child("t1", RunStatus.RUNNING), own, false))
                .isEqualTo(new CascadeRule.Nothing());
        assertThat(decide(parentCancelled(), null, own, false)).isEqualTo(new CascadeRule.Nothing());
    }

    @Test
    void aRunTheTenantsCascadePassedBeforeIsNotPassedAgain() {
        assertThat(decide(parentCancelled(), child("t1", RunStatus.COMPLETED), null, true))
                .isEqualTo(new CascadeRule.Nothing());
    }

    @Test
    void childWithoutStateGetsNothingItsNextStateBringsTheCancellationBack() {
        assertThat(decide(parentCancelled(), null, null, false)).isEqualTo(new CascadeRule.Nothing());
    }
}
