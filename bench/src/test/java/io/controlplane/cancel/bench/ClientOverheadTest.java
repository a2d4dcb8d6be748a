package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunStatus;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientOverheadTest {

    private static final int CANCELS = 25_000;

    @Test
    void everyCancelIsOfARunSeededRunningAndOfItsOwn() {
        Workload workload = new Workload((int) ClientOverhead.freshRun(CANCELS), 0, null);
        Set<Long> runs = new HashSet<>();

        for (int k = 0; k < CANCELS; k++) {
            long run = ClientOverhead.freshRun(k);
            assertThat(run).isLessThan(workload.runs);
            assertThat(workload.runState(run).getStatus()).isEqualTo(RunStatus.RUNNING);
            runs.add(run);
        }
        assertThat(runs).hasSize(CANCELS);
    }
}
