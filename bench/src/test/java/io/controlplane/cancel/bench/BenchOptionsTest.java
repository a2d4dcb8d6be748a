package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchOptionsTest {

    private static BenchOptions parse(String... args) {
        BenchOptions options = new BenchOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void aRunWithoutAnOnlyOptionHasEveryPhaseButTheLargeState() {
        BenchOptions options = parse("--quick");

        assertThat(options.narrowed()).isFalse();
        assertThat(options.includes(options.wholeJobOnly)).isTrue();
        assertThat(options.includes(options.recordsPerDecisionOnly)).isTrue();
        assertThat(options.includes(options.clientOverheadOnly)).isTrue();
        assertThat(options.largeStatePhase()).isFalse();
    }

    @Test
    void theClientOverheadAloneIsTwentySecondsAPartWhenQuick() {
        BenchOptions options = parse("--client-overhead-only", "--quick");

        assertThat(options.includes(options.clientOverheadOnly)).isTrue();
        assertThat(options.includes(options.wholeJobOnly)).isFalse();
        assertThat(options.includes(options.recordsPerDecisionOnly)).isFalse();
        assertThat(options.clientOverheadSeconds()).isEqualTo(20);
        assertThat(parse("--client-overhead-only").clientOverheadSeconds()).isEqualTo(60);
    }

    @Test
    void theLargeStateIsAddedToAFullRunByItsSize() {
        BenchOptions options = parse("--large-state", "10000000");

        assertThat(options.narrowed()).isFalse();
        assertThat(options.largeStatePhase()).isTrue();
        assertThat(options.largeStateRuns()).isEqualTo(10_000_000);
        assertThat(options.runs()).isEqualTo(1_000_000);
    }

    @Test
    void onlyOptionsCombine() {
        BenchOptions options = parse("--records-per-decision-only", "--large-state-only");

        assertThat(options.includes(options.recordsPerDecisionOnly)).isTrue();
        assertThat(options.includes(options.wholeJobOnly)).isFalse();
        assertThat(options.includes(options.deadLettersOnly)).isFalse();
        assertThat(options.largeStatePhase()).isTrue();
        assertThat(options.largeStateRuns()).isEqualTo(10_000_000);
    }

    @Test
    void theLargeStateAloneIsTenMillionRunsOrAHundredThousandWhenQuick() {
        assertThat(parse("--large-state-only").largeStateRuns()).isEqualTo(10_000_000);
        assertThat(parse("--large-state-only", "--quick").largeStateRuns()).isEqualTo(100_000);
        assertThat(parse("--large-state-only", "--large-state", "200000").largeStateRuns())
                .isEqualTo(200_000);
    }
}
