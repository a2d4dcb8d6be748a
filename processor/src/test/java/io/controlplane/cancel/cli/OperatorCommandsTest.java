package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the Kafka-facing operator commands do before and instead of reaching Kafka. */
class OperatorCommandsTest {

    private static Map<String, String> unreachableKafka;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void settingsOfAKafkaThatIsNotThere() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        unreachableKafka = Map.of(
                Settings.environmentNameOf("bootstrap.servers"), "127.0.0.1:" + closedPort,
                Settings.environmentNameOf("schema.registry.url"), "mock://operator-commands-" + UUID.randomUUID(),
                Settings.environmentNameOf(CancelProcessorConfig.STARTUP_TIMEOUT_MS), "300");
    }

    private int execute(KafkaOperatorCommand command, String... args) {
        command.settings.environment = unreachableKafka;
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void everySubcommandSaysWhatItDoesAndItsExitCodesInHelp() {
        for (String name :
                new String[] {"cancel", "bulk-cancel", "bulk-control", "grant", "revoke", "watch", "status"}) {
            StringWriter help = new StringWriter();
            CommandLine commandLine = CancelProcessorCli.commandLine();
            commandLine.setOut(new PrintWriter(help, true));
            assertThat(commandLine.execute(name, "--help")).as(name).isZero();
            assertThat(help.toString()).as(name).contains("Usage:").contains("Exit");
        }
    }

    @Test
    void cancelHelpSaysThatADuplicateGetsNoOutcome() {
        StringWriter help = new StringWriter();
        CommandLine commandLine = CancelProcessorCli.commandLine();
        commandLine.setOut(new PrintWriter(help, true));
        commandLine.execute("cancel", "--help");
        assertThat(help.toString().replaceAll("\\s+", " "))
                .contains("is a duplicate: it produces no outcome at all, so it ends with exit code 3");
    }

    @Test
    void usageErrorIsOneLineAndExitOneNotTheRejectedCode() {
        StringWriter usageErr = new StringWriter();
        CommandLine commandLine = CancelProcessorCli.commandLine();
        commandLine.setErr(new PrintWriter(usageErr, true));
        assertThat(commandLine.execute("cancel", "--execution", "run-1")).isEqualTo(1);
        assertThat(commandLine.execute("cancel", "--execution", "run-1", "--by", "alice", "--timeout", "soon"))
                .isEqualTo(1);
        assertThat(usageErr.toString().lines())
                .containsExactly(
                        "Missing required option: '--by=ACTOR' (see: cancel-processor cancel --help)",
                        "Invalid value for option '--timeout': 'soon' is not a duration such as 500ms, 30s, 2m or 1h "
                                + "(see: cancel-processor cancel --help)");
    }

    @Test
    void invalidCancelCommandIsNotSentAndSaysWhy() {
        int exit = execute(new CancelExecutionCommand(), "--execution", "run\u00071", "--by", "alice");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("Not sent: the processor would reject it as INVALID_COMMAND, as its executionId contains "
                        + "the control character U+0007");
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void unreachableKafkaIsOneLineAndExitOneNeverAStackTrace() {
        String token = "eyJ.secret.token";
        int exit = execute(new CancelExecutionCommand(), "--execution", "run-1", "--by", "alice", "--token", token);
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("Cannot reach Kafka at 127.0.0.1:");
        assertThat(err.toString() + out).doesNotContain(token).doesNotContain("\tat ");
    }

    @Test
    void grantThatWouldGrantNothingIsRefusedBeforeSending() {
        assertThat(execute(new GrantCommand(), "--actor", " ", "--roles", "admin", "--tenants", "t1"))
                .isEqualTo(1);
        assertThat(execute(new GrantCommand(), "--actor", "alice", "--roles", "admin, ", "--tenants", "t1"))
                .isEqualTo(1);
        assertThat(execute(new GrantCommand(), "--actor", "x".repeat(257), "--roles", "admin", "--tenants", "*"))
                .isEqualTo(1);
        assertThat(err.toString().lines())
                .containsExactly(
                        "Not granted: the grant would grant nothing, as its actorId is missing or blank",
                        "Not granted: the grant would grant nothing, as a role is blank or holds a control character: ' '",
                        "Not granted: the grant would grant nothing, as its actorId has 257 characters, more than the 256 allowed");
    }

    @Test
    void revokeOfAnActorNoGrantCanHaveIsRefused() {
        assertThat(execute(new RevokeCommand(), "--actor", "al\nice")).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("Not revoked: no grant can exist for this actor, as its actorId contains the control "
                        + "character U+000A");
    }

    @Test
    void commandIdIsTheTokensJtiWhenItHasOneElseFresh() {
        String bound = new PlainJWT(new JWTClaimsSet.Builder().jwtID("cmd-42").build()).serialize();
        String unbound =
                new PlainJWT(new JWTClaimsSet.Builder().subject("alice").build()).serialize();
        assertThat(CancelExecutionCommand.commandIdFor(bound)).isEqualTo("cmd-42");
        assertThat(CancelExecutionCommand.commandIdFor("Bearer " + bound)).isEqualTo("cmd-42");
        assertThat(UUID.fromString(CancelExecutionCommand.commandIdFor(unbound)))
                .isNotNull();
        assertThat(UUID.fromString(CancelExecutionCommand.commandIdFor("not a token")))
                .isNotNull();
        assertThat(CancelExecutionCommand.commandIdFor(null)).isNotEqualTo(CancelExecutionCommand.commandIdFor(null));
    }

    @Test
    void bulkOfMoreThanTenThousandIdsIsRefusedBeforeSendingWithExitTwo(@TempDir Path dir) throws IOException {
        Path ids = dir.resolve("ids.txt");
        Files.write(
                ids, IntStream.rangeClosed(1, 10_001).mapToObj(i -> "run-" + i).toList());
        int exit = execute(
                new BulkStartCommand(), "--tenant", "acme", "--ids-file", ids.toString(), "--by", "alice", "--wait");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines())
                .containsExactly("Not sent: the processor would reject it as INVALID_COMMAND, as it lists 10001 "
                        + "executionIds, more than the 10000 allowed");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void bulkOfTenThousandIdsIsNotRefusedForItsSize(@TempDir Path dir) throws IOException {
        Path ids = dir.resolve("ids.txt");
        Files.write(
                ids, IntStream.rangeClosed(1, 10_000).mapToObj(i -> "run-" + i).toList());
        int exit = execute(new BulkStartCommand(), "--tenant", "acme", "--ids-file", ids.toString(), "--by", "alice");
        // it goes on to Kafka, which is not there
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("Cannot reach Kafka at 127.0.0.1:");
    }

    @Test
    void bulkThatWaitsOnUnreachableKafkaIsOneLineAndExitOne() {
        int exit = execute(new BulkStartCommand(), "--tenant", "acme", "--by", "alice", "--dry-run");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("Cannot reach Kafka at 127.0.0.1:");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void bulkTheProcessorWouldRefuseForItsFormIsNotSent() {
        assertThat(execute(new BulkStartCommand(), "--tenant", " ", "--by", "alice"))
                .isEqualTo(2);
        assertThat(execute(new BulkStartCommand(), "--tenant", "acme", "--by", "alice", "--status", "COMPLETED"))
                .isEqualTo(2);
        String boundToAnother = new PlainJWT(new JWTClaimsSet.Builder()
                        .subject("alice")
                        .jwtID("bulk-7")
                        .build())
                .serialize();
        assertThat(execute(
                        new BulkStartCommand(),
                        "--tenant",
                        "acme",
                        "--by",
                        "alice",
                        "--bulk-id",
                        "bulk-8",
                        "--token",
                        boundToAnother))
                .isEqualTo(2);
        assertThat(execute(new BulkControlCommand(), "--bulk", "b\u0007", "--by", "alice", "--pause"))
                .isEqualTo(2);
        assertThat(err.toString().lines())
                .containsExactly(
                        "Not sent: the processor would reject it as INVALID_COMMAND, as its tenantId is missing or blank",
                        "Not sent: the processor would reject it as INVALID_COMMAND, as its statuses name COMPLETED, a "
                                + "terminal status: such runs cannot be cancelled",
                        "Not sent: the processor would reject it as UNAUTHORIZED, as the token's jti 'bulk-7' is not "
                                + "the bulkId 'bulk-8' (a token bound to one bulk names it)",
                        "Not sent: the processor would reject it as INVALID_COMMAND, as its bulkId contains the control "
                                + "character U+0007 at position 1");
        assertThat(err.toString()).doesNotContain(boundToAnother);
    }

    @Test
    void bulkIdIsTheOneGivenElseTheTokensJtiElseFresh() {
        String bound = new PlainJWT(new JWTClaimsSet.Builder()
                        .subject("alice")
                        .jwtID("bulk-7")
                        .build())
                .serialize();
        String unbound =
                new PlainJWT(new JWTClaimsSet.Builder().subject("alice").build()).serialize();
        assertThat(BulkStartCommand.bulkIdFor("bulk-8", bound)).isEqualTo("bulk-8");
        assertThat(BulkStartCommand.bulkIdFor(null, bound)).isEqualTo("bulk-7");
        assertThat(BulkStartCommand.bulkIdFor(null, "Bearer " + bound)).isEqualTo("bulk-7");
        assertThat(UUID.fromString(BulkStartCommand.bulkIdFor(null, unbound))).isNotNull();
        assertThat(BulkStartCommand.bulkIdFor(null, null)).isNotEqualTo(BulkStartCommand.bulkIdFor(null, null));
    }

    @Test
    void updatedBeforeTakesMinusADurationAsAValueNotAnOption() {
        BulkStartCommand command = new BulkStartCommand();
        Instant before = Instant.now();
        new CommandLine(command)
                .parseArgs(
                        "--tenant", "acme", "--by", "alice", "--updated-before", "-2h", "--status", "QUEUED,RUNNING");
        assertThat(command.updatedBefore)
                .isBetween(
                        before.minus(Duration.ofHours(2)).minusMillis(1),
                        Instant.now().minus(Duration.ofHours(2)));
        assertThat(command.statuses).containsExactly(RunStatus.QUEUED, RunStatus.RUNNING);
    }

    @Test
    void bulkControlTakesExactlyOneAction() {
        StringWriter usageErr = new StringWriter();
        CommandLine commandLine = CancelProcessorCli.commandLine();
        commandLine.setErr(new PrintWriter(usageErr, true));
        assertThat(commandLine.execute("bulk-control", "--bulk", "b-1", "--by", "alice"))
                .isEqualTo(1);
        assertThat(commandLine.execute("bulk-control", "--bulk", "b-1", "--by", "alice", "--pause", "--abort"))
                .isEqualTo(1);
        assertThat(usageErr.toString().lines())
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).endsWith("(see: cancel-processor bulk-control --help)"));
    }
}
