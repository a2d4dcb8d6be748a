package io.controlplane.cancel.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunStateValidationTest {

    private static RunState run(String executionId, String tenantId) {
        return new RunState(executionId, tenantId, RunStatus.RUNNING, 1L, Instant.EPOCH, null, null);
    }

    @Test
    void runStateKeyedByTheExecutionItDescribesIsApplied() {
        assertThat(RunStateValidation.problem("run-1", run("run-1", "t1"))).isEmpty();
        assertThat(RunStateValidation.problem("run-1", null)).isEmpty();
    }

    @Test
    void runStateWithoutAKeyOrKeyedByAnotherExecutionIsNotApplied() {
        assertThat(RunStateValidation.problem(null, run("run-1", "t1")))
                .hasValueSatisfying(p -> assertThat(p).contains("no key"));
        assertThat(RunStateValidation.problem("run-2", run("run-1", "t1")))
                .hasValue("it is keyed 'run-2' but describes execution 'run-1'");
    }

    @Test
    void hugeIdsAreQuotedCutInTheProblem() {
        String huge = "k".repeat(400_000);
        String problem =
                RunStateValidation.problem(huge, run("e".repeat(100), "t1")).orElseThrow();
        assertThat(problem).hasSizeLessThan(200).contains("400000 characters");
        String mismatch =
                RunStateValidation.problem("run\u0000x", run("run-1", "t1")).orElseThrow();
        assertThat(mismatch).doesNotContain("\u0000").contains("U+0000");
    }

    @Test
    void idsThatAreBlankOverlongOrHoldControlCharactersAreNotApplied() {
        assertThat(RunStateValidation.problem("run-1", run("run-1", " "))).isPresent();
        assertThat(RunStateValidation.problem("run-1", run("run-1", "t".repeat(257))))
                .isPresent();
        assertThat(RunStateValidation.problem("run-1", run("run-1", "t\u007f"))).isPresent();
        assertThat(RunStateValidation.problem("run\u001f", run("run\u001f", "t1")))
                .isPresent();
    }

    @Test
    void aParentIdIsCheckedLikeEveryOtherIdAndMayBeAbsent() {
        RunState child = run("child", "t1");
        assertThat(RunStateValidation.problem("child", child)).isEmpty();
        child.setParentExecutionId("parent");
        assertThat(RunStateValidation.problem("child", child)).isEmpty();
        child.setParentExecutionId("par\u0000ent");
        assertThat(RunStateValidation.problem("child", child))
                .hasValue("its parentExecutionId contains the control character U+0000 at position 3");
        child.setParentExecutionId("p".repeat(257));
        assertThat(RunStateValidation.problem("child", child)).isPresent();
        child.setParentExecutionId(" ");
        assertThat(RunStateValidation.problem("child", child)).isPresent();
    }

    @Test
    void quotedIdsCannotForgeLogLines() {
        assertThat(Ids.quote("a\nb")).isEqualTo("'a\\u000ab'");
        assertThat(Ids.quote("x".repeat(100)))
                .startsWith("'" + "x".repeat(64) + "'")
                .endsWith("(100 characters)");
    }
}
