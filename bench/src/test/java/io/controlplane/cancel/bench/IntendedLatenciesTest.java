package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntendedLatenciesTest {

    private static final long MS = 1_000_000;

    @Test
    void aCallMadeLateCountsFromWhenItWasDueNotFromWhenItWasMade() {
        // 1,000 calls/s: call j is due at j ms; a caller stalled 100 ms makes call 1 at 101 ms
        IntendedLatencies latencies = new IntendedLatencies(new PacedSchedule(0, 1_000), 2);

        latencies.reached(0, 5 * MS);
        latencies.reached(1, 106 * MS);

        LatencyRun.Percentiles p = latencies.percentiles();
        assertThat(p.measured()).isEqualTo(2);
        assertThat(p.p50()).isEqualTo(5.0);
        assertThat(p.max()).isEqualTo(105.0);
    }

    @Test
    void callsNeverReachedAreMissingAndLeftOutOfThePercentiles() {
        IntendedLatencies latencies = new IntendedLatencies(new PacedSchedule(0, 1_000), 4);

        latencies.reached(2, 12 * MS);

        LatencyRun.Percentiles p = latencies.percentiles();
        assertThat(p.measured()).isEqualTo(1);
        assertThat(p.missing()).isEqualTo(3);
        assertThat(p.p99()).isEqualTo(10.0);
    }

    @Test
    void aMomentBeforeTheDueTimeIsNoWait() {
        IntendedLatencies latencies = new IntendedLatencies(new PacedSchedule(10 * MS, 1_000), 1);

        latencies.reached(0, 9 * MS);

        assertThat(latencies.percentiles().max()).isEqualTo(0.0);
    }

    @Test
    void theHundredthOfAHundredIsTheP99() {
        IntendedLatencies latencies = new IntendedLatencies(new PacedSchedule(0, 1_000), 100);
        for (int call = 0; call < 100; call++) {
            latencies.reached(call, call * MS + (call + 1) * MS);
        }

        LatencyRun.Percentiles p = latencies.percentiles();
        assertThat(p.p50()).isEqualTo(50.0);
        assertThat(p.p99()).isEqualTo(99.0);
        assertThat(p.max()).isEqualTo(100.0);
    }
}
