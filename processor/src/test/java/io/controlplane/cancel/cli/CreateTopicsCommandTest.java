package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command's arguments and settings; what it does on a broker is in CreateTopicsIT. */
class CreateTopicsCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int createTopics(Map<String, String> environment, String... args) {
        CreateTopicsCommand command = new CreateTopicsCommand();
        command.settings.environment = environment;
        return new CommandLine(command).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void aPartitionCountBelowOneIsAUsageError() {
        assertThat(createTopics(Map.of(), "--partitions", "0")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--partitions must be at least 1");
    }

    @Test
    void aReplicationFactorBelowOneOtherThanTheBrokersDefaultIsAUsageError() {
        assertThat(createTopics(Map.of(), "--replication-factor", "0")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--replication-factor must be at least 1, or -1 for the broker's default");
    }

    @Test
    void aMissingConfigFileIsOneLineAndExitCodeOne() {
        Path missing = dir.resolve("missing.properties");
        assertThat(createTopics(Map.of(), "--config", missing.toString())).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("Config file " + missing + " does not exist");
    }

    @Test
    void theEnvironmentWinsOverTheConfigFileAsForRun() throws Exception {
        String inFile = "127.0.0.1:" + closedPort();
        String inEnvironment = "127.0.0.1:" + closedPort();
        Path config = dir.resolve("cancel.properties");
        Files.writeString(config, "bootstrap.servers=" + inFile + "\n");

        assertThat(createTopics(
                        Map.of(
                                Settings.environmentNameOf("bootstrap.servers"),
                                inEnvironment,
                                Settings.environmentNameOf(CancelProcessorConfig.STARTUP_TIMEOUT_MS),
                                "300"),
                        "--config",
                        config.toString()))
                .isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("Cannot reach Kafka at " + inEnvironment + " within 300 ms");
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
