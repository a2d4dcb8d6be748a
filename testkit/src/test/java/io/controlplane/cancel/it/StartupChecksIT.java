package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.app.StartupException;
import io.controlplane.cancel.cli.CancelProcessorCli;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A wrong address or a missing topic is one clear line and exit code 1, not a dying stream thread. */
class StartupChecksIT {

    @RegisterExtension
    static final RealBroker broker = RealBroker.shared();

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, Object> settings(String bootstrap, String registry) {
        // topics of its own for each test: the missing-topics test must not find another test's
        Map<String, Object> settings = TestSettings.isolated(bootstrap, registry, "StartupChecksIT");
        settings.put(CancelProcessorConfig.STARTUP_TIMEOUT_MS, 2_000);
        return settings;
    }

    @Test
    void unreachableBrokerIsOneClearLineAndExitCodeOne(@TempDir Path dir) throws Exception {
        String bootstrap = "127.0.0.1:" + closedPort();
        Path config = dir.resolve("cancel.properties");
        Files.writeString(
                config,
                settings(bootstrap, "mock://startup-it").entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("\n")));

        assertThat(new CommandLine(new CancelProcessorCli()).execute("run", "--config", config.toString()))
                .isEqualTo(1);
        assertThatThrownBy(() -> CancelProcessorApp.start(settings(bootstrap, "mock://startup-it")))
                .isInstanceOf(StartupException.class)
                .hasMessage("Cannot reach Kafka at " + bootstrap + " within 2000 ms");
    }

    @Test
    void missingTopicsAreNamed() {
        Map<String, Object> settings = settings(broker.bootstrapServers(), "mock://startup-it");
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        assertThatThrownBy(() -> CancelProcessorApp.start(settings))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("Missing topics on Kafka at " + broker.bootstrapServers() + ": ")
                .hasMessageContaining(config.commandsTopic())
                .hasMessageContaining(config.operatorsTopic());
    }

    @Test
    void commandsAndRunStatesTopicsWithDifferentPartitionCountsAreRefusedInOneLine() throws Exception {
        Map<String, Object> settings = settings(broker.bootstrapServers(), "mock://startup-it");
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        try (Admin admin = broker.kafka().admin()) {
            admin.createTopics(List.of(new NewTopic(config.runStatesTopic(), 3, (short) 1)))
                    .all()
                    .get();
        }
        broker.kafka().createTopics(config, 6);

        assertThatThrownBy(() -> CancelProcessorApp.start(settings))
                .isInstanceOf(StartupException.class)
                .hasMessage("Topics " + config.commandsTopic() + " (6 partitions) and " + config.runStatesTopic()
                        + " (3 partitions) must have the same partition count, "
                        + "or commands miss their run's state (recreate one of them as README.md describes)");
    }

    @Test
    void unreachableRegistryIsOneClearLine() throws Exception {
        Map<String, Object> settings = settings(broker.bootstrapServers(), "http://127.0.0.1:" + closedPort());
        broker.kafka().createTopics(new CancelProcessorConfig(settings), 1);
        assertThatThrownBy(() -> CancelProcessorApp.start(settings))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("Schema registry at http://127.0.0.1:")
                .hasMessageContaining("unreachable");
    }
}
