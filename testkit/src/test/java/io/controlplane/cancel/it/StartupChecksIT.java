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
    static final RealBroker broker = RealBroker.only();

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, Object> settings(String bootstrap, String registry) {
        Map<String, Object> settings = TestSettings.processor(bootstrap, registry);
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
        assertThatThrownBy(() -> CancelProcessorApp.start(settings(broker.bootstrapServers(), "mock://startup-it")))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("Missing topics on Kafka at " + broker.bootstrapServers() + ": ")
                .hasMessageContaining("controlplane.execution.cancel.commands")
                .hasMessageContaining("controlplane.operators");
    }

    /** Topics of its own for one test, so that the missing-topics test is not affected by the order tests run in. */
    private static void ownTopics(Map<String, Object> settings, String prefix) {
        for (String topicKey : List.of(
                CancelProcessorConfig.COMMANDS_TOPIC,
                CancelProcessorConfig.RUN_STATES_TOPIC,
                CancelProcessorConfig.OPERATORS_TOPIC,
                CancelProcessorConfig.RUN_STATE_CHANGES_TOPIC,
                CancelProcessorConfig.REJECTIONS_TOPIC,
                CancelProcessorConfig.DLQ_TOPIC)) {
            settings.put(topicKey, prefix + topicKey);
        }
    }

    @Test
    void commandsAndRunStatesTopicsWithDifferentPartitionCountsAreRefusedInOneLine() throws Exception {
        Map<String, Object> settings = settings(broker.bootstrapServers(), "mock://startup-it");
        ownTopics(settings, "partition-check.");
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        try (Admin admin = broker.kafka().admin()) {
            admin.createTopics(List.of(new NewTopic(config.runStatesTopic(), 3, (short) 1)))
                    .all()
                    .get();
        }
        broker.kafka().createTopics(config, 6);

        assertThatThrownBy(() -> CancelProcessorApp.start(settings))
                .isInstanceOf(StartupException.class)
                .hasMessage("Topics partition-check.cancel.topic.commands (6 partitions) and "
                        + "partition-check.cancel.topic.run-states (3 partitions) must have the same partition count, "
                        + "or commands miss their run's state (recreate one of them as README.md describes)");
    }

    @Test
    void unreachableRegistryIsOneClearLine() throws Exception {
        Map<String, Object> settings = settings(broker.bootstrapServers(), "http://127.0.0.1:" + closedPort());
        ownTopics(settings, "registry-check.");
        broker.kafka().createTopics(new CancelProcessorConfig(settings), 1);
        assertThatThrownBy(() -> CancelProcessorApp.start(settings))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("Schema registry at http://127.0.0.1:")
                .hasMessageContaining("unreachable");
    }
}
