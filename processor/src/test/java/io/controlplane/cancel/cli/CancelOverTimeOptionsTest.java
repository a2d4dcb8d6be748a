package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cancel --graceful [--grace D]} and {@code --at WHEN}: what they put in the command, and what is a usage error. */
class CancelOverTimeOptionsTest {

    private static final Instant NOW = Instant.parse("2026-11-25T18:00:00.123Z");

    private static CancelCommand commandOf(String... args) {
        CancelExecutionCommand cancel = new CancelExecutionCommand();
        new CommandLine(cancel).parseArgs(args);
        return cancel.command(NOW);
    }

    /** Runs the options through the product's command line as far as a usage error goes; Kafka is never reached. */
    private static Usage usage(String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = CancelProcessorCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        String[] all = new String[args.length + 1];
        all[0] = "cancel";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Usage(commandLine.execute(all), err.toString());
    }

    private record Usage(int exitCode, String err) {}

    @Test
    void withoutTheNewOptionsTheCommandIsAForceCancelForNowAsBefore() {
        CancelCommand command = commandOf("--execution", "run-1", "--by", "alice");
        assertThat(command.getMode()).isEqualTo(CancelMode.FORCE);
        assertThat(command.getGraceMs()).isNull();
        assertThat(command.getNotBefore()).isNull();
        assertThat(command.getRequestedAt()).isEqualTo(NOW);
    }

    @Test
    void gracefulAsksForAGracefulCancelWithTheProcessorsGraceUnlessGraceSaysOtherwise() {
        CancelCommand defaultGrace = commandOf("--execution", "run-1", "--by", "alice", "--graceful");
        assertThat(defaultGrace.getMode()).isEqualTo(CancelMode.GRACEFUL);
        assertThat(defaultGrace.getGraceMs()).isNull();

        CancelCommand twoMinutes = commandOf("--execution", "run-1", "--by", "alice", "--graceful", "--grace", "2m");
        assertThat(twoMinutes.getMode()).isEqualTo(CancelMode.GRACEFUL);
        assertThat(twoMinutes.getGraceMs()).isEqualTo(Duration.ofMinutes(2).toMillis());

        CancelCommand graceFirst = commandOf("--execution", "run-1", "--by", "alice", "--grace", "PT90S", "--graceful");
        assertThat(graceFirst.getGraceMs()).isEqualTo(90_000L);
    }

    @Test
    void atSetsNotBeforeAheadByADurationOrAtAnInstantWhateverTheMode() {
        Instant before = Instant.now();
        CancelCommand relative = commandOf("--execution", "run-1", "--by", "alice", "--at", "+1h");
        assertThat(relative.getMode()).isEqualTo(CancelMode.FORCE);
        assertThat(relative.getNotBefore())
                .isBetween(
                        before.plus(Duration.ofHours(1)).minusMillis(1),
                        Instant.now().plus(Duration.ofHours(1)));

        CancelCommand absolute =
                commandOf("--execution", "run-1", "--by", "alice", "--at", "2999-01-01T00:00:00+01:00", "--graceful");
        assertThat(absolute.getNotBefore()).isEqualTo(Instant.parse("2998-12-31T23:00:00Z"));
        assertThat(absolute.getMode()).isEqualTo(CancelMode.GRACEFUL);
    }

    @Test
    void graceWithoutGracefulIsAUsageErrorExitOneNotTheRejectedCode() {
        Usage usage = usage("--execution", "run-1", "--by", "alice", "--grace", "2m");
        assertThat(usage.exitCode()).isEqualTo(1);
        assertThat(usage.err().lines())
                .containsExactly(
                        "Error: Missing required argument(s): --graceful (see: cancel-processor cancel --help)");
    }

    @Test
    void badGraceOrAtIsAUsageErrorExitOne() {
        for (String[] args : new String[][] {
            {"--graceful", "--grace", "soon"},
            {"--graceful", "--grace", "0s"},
            {"--graceful", "--graceful"},
            {"--at", "tomorrow"},
            {"--at", "2020-01-01T00:00:00Z"},
            {"--at", "-1h"},
            {"--at"}
        }) {
            String[] all = new String[args.length + 4];
            System.arraycopy(new String[] {"--execution", "run-1", "--by", "alice"}, 0, all, 0, 4);
            System.arraycopy(args, 0, all, 4, args.length);
            Usage usage = usage(all);
            assertThat(usage.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(usage.err().lines())
                    .as(String.join(" ", args))
                    .singleElement()
                    .asString()
                    .endsWith("(see: cancel-processor cancel --help)");
        }
    }

    @Test
    void helpSaysTheNewExitCodes() {
        StringWriter help = new StringWriter();
        CommandLine commandLine = CancelProcessorCli.commandLine();
        commandLine.setOut(new PrintWriter(help, true));
        assertThat(commandLine.execute("cancel", "--help")).isZero();
        assertThat(help.toString().replaceAll("\\s+", " "))
                .contains("--graceful")
                .contains("--grace=DURATION")
                .contains("--at=WHEN")
                .contains("prints SCHEDULED")
                .contains("5 the run ended otherwise while CANCELLING")
                .contains("3 no outcome within --timeout");
    }

    @Test
    void scheduledLineNamesTheRunTheTimeAndTheCommand() {
        CancelCommand command = commandOf("--execution", "run-1", "--by", "alice", "--at", "2999-01-01T00:00:00Z");
        assertThat(CancelExecutionCommand.scheduled(command))
                .isEqualTo("SCHEDULED 'run-1' at 2999-01-01T00:00:00Z (command '" + command.getCommandId() + "')");
    }
}
