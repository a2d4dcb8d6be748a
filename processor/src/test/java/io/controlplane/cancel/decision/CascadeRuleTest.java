package io.controlplane.cancel.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CascadeRuleTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static RunStateChange parentCancelled(String parentId, String commandId, String cascadedFrom) {
        return RunStateChange.newBuilder()
                .setExecutionId(parentId)
                .setTenantId("t1")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(NOW.minusSeconds(5))
                .setCancelledBy("alice")
                .setReason("stuck")
                .setCommandId(commandId)
                .setVersion(4L)
                .setTraceId("trace-1")
                .setCascadedFrom(cascadedFrom)
                .build();
    }

    private static RunState child(String tenantId, RunStatus status) {
        return new RunState("child", tenantId, status, 7L, NOW, "parent");
    }

    @Test
    void cascadedCancelCarriesTheStartingCommandAndNamesTheParent() {
        CascadeRule.Result result = CascadeRule.decide(
                parentCancelled("parent", "cmd-1", null), "child", child("t1", RunStatus.PAUSED), null, NOW);
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
        RunStateChange childCancelled = parentCancelled("mid/dle", "a/b/mid/dle", "root");
        CascadeRule.Result result =
                CascadeRule.decide(childCancelled, "child", child("t1", RunStatus.RUNNING), null, NOW);
        assertThat(((CascadeRule.Cancel) result).cancel().change().getCommandId())
                .isEqualTo("a/b/child");
        assertThat(CascadeRule.startingCommandId(parentCancelled("p", "x/p", null)))
                .as("a direct cancellation's id is the command's own, slashes and all")
                .isEqualTo("x/p");
    }

    @Test
    void childInAnotherTenantIsLeftAlone() {
        assertThat(CascadeRule.decide(
                        parentCancelled("parent", "c", null), "child", child("t2", RunStatus.RUNNING), null, NOW))
                .isEqualTo(new CascadeRule.SkippedOtherTenant("t2"));
    }

    @ParameterizedTest
    @EnumSource(
            value = RunStatus.class,
            names = {"COMPLETED", "FAILED", "CANCELLED", "ABORTED", "UNKNOWN"})
    void childThatEndedOrIsUnknownIsSkippedNotRejected(RunStatus status) {
        assertThat(CascadeRule.decide(parentCancelled("parent", "c", null), "child", child("t1", status), null, NOW))
                .isEqualTo(new CascadeRule.SkippedTerminal(status));
    }

    @Test
    void childCancelledAlreadyGetsNothingWhateverUpstreamSays() {
        RunStateChange own = parentCancelled("child", "other", null);
        assertThat(CascadeRule.decide(
                        parentCancelled("parent", "c", null), "child", child("t1", RunStatus.RUNNING), own, NOW))
                .isEqualTo(new CascadeRule.AlreadyCancelled());
        assertThat(CascadeRule.decide(parentCancelled("parent", "c", null), "child", null, own, NOW))
                .isEqualTo(new CascadeRule.AlreadyCancelled());
    }

    @Test
    void childWithoutStateIsKeptForWhenItArrives() {
        assertThat(CascadeRule.decide(parentCancelled("parent", "c", null), "child", null, null, NOW))
                .isEqualTo(new CascadeRule.KeepUntilStateArrives());
    }
}
