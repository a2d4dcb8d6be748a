package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunStatus;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientOverheadTest {

    private static final int COMMANDS = 5_000;
    private static final int CALLS = 7_000;

    @Test
    void theClientsRunsAreSeededRunningAndNamedByNoCommandOfThePlainPart() {
        int runs = ClientOverhead.runsSeeded(COMMANDS, CALLS);
        Workload workload = new Workload(runs, COMMANDS, null);
        Set<String> named = new HashSet<>();
        for (int j = 0; j < COMMANDS; j++) {
            named.add(workload.command("lat5000", j).getExecutionId());
        }
        long first = ClientOverhead.firstFreshRun(COMMANDS);
        Set<Long> fresh = new HashSet<>();

        for (int k = 0; k < CALLS; k++) {
            long run = ClientOverhead.freshRun(first, k);
            assertThat(run).isLessThan(runs);
            assertThat(workload.runState(run).getStatus()).isEqualTo(RunStatus.RUNNING);
            assertThat(named).doesNotContain(Workload.executionId(run));
            fresh.add(run);
        }
        assertThat(fresh).hasSize(CALLS);
    }
}
