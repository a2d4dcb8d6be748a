package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.ConfluentPython;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README's Python example (interop/cancel_from_your_service.py, Confluent's client) cancels a run on
 * three partitions, where only the right partitioner meets the run's state, and is told a refusal
 * with its code: the example works as README says.
 */
class PythonCancelExampleIT {

    private static final Path SCRIPT_LOG = Path.of("target", "python-cancel-example.log");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    @Order(0)
    static final BeforeAllCallback confluentPython = ConfluentPython.required();

    @RegisterExtension
    static final RealBroker broker = RealBroker.sharedWithApicurio();

    @Test
    void thePythonExampleCancelsARunAndIsToldWhyAnotherIsNot() throws Exception {
        Map<String, Object> settings = TestSettings.isolated(
                broker.bootstrapServers(), broker.registry().ccompatUrl(), "PythonCancelExampleIT");
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        broker.kafka().createTopics(config, 3);
        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), new Topics(config))) {
            traffic.grant("ops-py", List.of("admin"), List.of("*"));
            for (int i = 0; i < 5; i++) {
                traffic.runState("py-example-run-" + i, "tenant-py", RunStatus.RUNNING, 1);
            }
            traffic.runState("py-example-done", "tenant-py", RunStatus.COMPLETED, 3);
            traffic.flush();
        }

        try (CancelProcessorApp app = CancelProcessorApp.start(settings)) {
            for (int i = 0; i < 5; i++) {
                // five runs: on three partitions, a wrong partitioner would miss some of their states
                assertThat(runScript(config, "py-example-run-" + i))
                        .as("exit code; output: %s", log())
                        .isZero();
                assertThat(log()).startsWith("CANCELLED py-example-run-" + i + " (was RUNNING)");
            }
            assertThat(runScript(config, "py-example-done"))
                    .as("exit code; output: %s", log())
                    .isEqualTo(2);
            assertThat(log()).startsWith("REJECTED ALREADY_TERMINAL py-example-done: ");
        }
    }

    private static String log() throws Exception {
        return Files.readString(SCRIPT_LOG);
    }

    private int runScript(CancelProcessorConfig config, String executionId) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--schema-registry-url",
                broker.registry().ccompatUrl(),
                "--command-schema",
                Path.of("..", "schemas", "CancelCommand.avsc").toString(),
                "--partitioner",
                config.partitioner().configName(),
                "--commands-topic",
                config.commandsTopic(),
                "--run-state-changes-topic",
                config.runStateChangesTopic(),
                "--rejections-topic",
                config.rejectionsTopic(),
                "--execution",
                executionId,
                "--by",
                "ops-py",
                "--reason",
                "written by README's Python example",
                "--timeout",
                "60"));
        return ConfluentPython.run("cancel_from_your_service.py", args, SCRIPT_LOG, SCRIPT_TIMEOUT);
    }
}
