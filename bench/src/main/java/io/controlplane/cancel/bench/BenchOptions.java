package io.controlplane.cancel.bench;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What {@code bench/run} takes. */
@Command(
        name = "bench/run",
        mixinStandardHelpOptions = true,
        description = "The benchmark of issue 10: a broker process, the pipe ceiling, the processor under both"
                + " guarantees, latency, memory, restore and failover; figures printed, as TSV and as PNG plots.")
final class BenchOptions {

    @Option(
            names = "--quick",
            description =
                    "A smoke run: 50,000 runs and 50,000 commands, 5 s per offered load (default: 1M + 1M, 20 s).")
    boolean quick;

    @Option(names = "--plots", paramLabel = "DIR", description = "Where the PNG plots go (default: ${DEFAULT-VALUE}).")
    Path plots = Path.of("bench/target/plots");

    @Option(
            names = "--results",
            paramLabel = "FILE",
            description = "The figures as TSV: section, figure, measure, value, unit (default: ${DEFAULT-VALUE}).")
    Path results = Path.of("bench/target/results.tsv");

    @Option(
            names = "--size",
            paramLabel = "N",
            description = "N runs and N commands, for tuning runs between the quick and the full size.")
    Integer size;

    @Option(
            names = "--whole-job-only",
            description = "Only the ceiling and the whole job (e.g. a profiling run with BENCH_PROCESSOR_OPTS).")
    boolean wholeJobOnly;

    @Option(
            names = "--dead-letters-only",
            description = "Only the dead-letter rates, one bad kind of input record at a time.")
    boolean deadLettersOnly;

    @Option(
            names = "--records-per-decision-only",
            description = "Only the records the processor writes (outputs, changelogs, repartition topics) per"
                    + " decision of each kind, counted read_committed; part of every run without an --*-only.")
    boolean recordsPerDecisionOnly;

    @Option(
            names = "--client-overhead-only",
            description = "Only issue 20's client overhead: the processor's own latency at 5,000 commands/s, then"
                    + " 5,000 cancel() calls/s through one CancelClient (20 s each, 60 s without --quick), their"
                    + " p99s and bytes allocated per call; part of every run without an --*-only.")
    boolean clientOverheadOnly;

    @Option(
            names = "--large-state",
            paramLabel = "N",
            description = "Also the large-state phase: N runs (issue 17: 10000000), then N/10 commands against them;"
                    + " peak RSS, CPU per record, restore time, state dir and changelogs per million runs.")
    Integer largeState;

    @Option(
            names = "--large-state-only",
            description = "Only the large-state phase, with the runs of --large-state (default 10,000,000;"
                    + " 100,000 with --quick).")
    boolean largeStateOnly;

    int runs() {
        return size != null ? size : quick ? 50_000 : 1_000_000;
    }

    int commands() {
        return runs();
    }

    /** Whether any --*-only option narrows the run to its phases (several combine). */
    boolean narrowed() {
        return wholeJobOnly || deadLettersOnly || recordsPerDecisionOnly || clientOverheadOnly || largeStateOnly;
    }

    /** Whether the run includes a phase, given whether its --*-only option was given. */
    boolean includes(boolean phaseOnly) {
        return !narrowed() || phaseOnly;
    }

    boolean largeStatePhase() {
        return largeState != null || largeStateOnly;
    }

    /** Runs loaded in the large-state phase. */
    int largeStateRuns() {
        return largeState != null ? largeState : quick ? 100_000 : 10_000_000;
    }

    /** Records of each bad kind for the dead-letter rates. */
    int deadLetters() {
        return quick ? 20_000 : 200_000;
    }

    int latencySeconds() {
        return quick ? 5 : 20;
    }

    /** Each measured part of the client overhead: the plain clients', then the client's. */
    int clientOverheadSeconds() {
        return quick ? 20 : 60;
    }

    /**
     * The client overhead's warm-up before both parts: in a first quick run, 5 s left the processor
     * seconds behind into the plain part.
     */
    int clientOverheadWarmUpSeconds() {
        return quick ? 10 : 20;
    }
}
