package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorMetrics;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.topology.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A command waiting for its run's state is still waiting after the processor restarts elsewhere. */
class WaitingCommandsRestartIT {

    private static final String REGISTRY = "waiting-restart-it";

    @RegisterExtension
    static final RealBroker broker = RealBroker.only();

    @AfterAll
    static void dropRegistry() {
        InMemorySchemaRegistry.dropScope(REGISTRY);
    }

    @Test
    void waitingCommandIsRestoredFromItsChangelogOnAFreshInstance() throws Exception {
        Map<String, Object> settings = TestSettings.processor(broker.bootstrapServers(), "mock://" + REGISTRY);
        // Long enough that only a restored command can still be waiting when its run state arrives.
        settings.put(
                CancelProcessorConfig.NOT_FOUND_GRACE_MS, Duration.ofMinutes(2).toMillis());
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        Topics topics = new Topics(config);
        broker.kafka().createTopics(config, 3);

        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics);
                Outcomes outcomes = new Outcomes(broker.bootstrapServers(), topics)) {
            traffic.grant("alice", List.of("admin"), List.of("acme"));
            traffic.flush();
            try (CancelProcessorApp first = CancelProcessorApp.start(settings)) {
                traffic.cancel("cmd-1", "run-1", "alice");
                traffic.flush();
                ProcessorMetrics metrics = ProcessorMetrics.of(settings);
                await().atMost(Duration.ofSeconds(60)).until(() -> metrics.total("waiting-total") == 1.0);
            }

            // A fresh state directory: the second instance has only the changelogs to go by.
            settings.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("cancel-it-restarted").toString());
            try (CancelProcessorApp second = CancelProcessorApp.start(settings)) {
                traffic.runState("run-1", "acme", RunStatus.RUNNING, 1);
                traffic.flush();
                assertThat(outcomes.awaitAtLeast(1, Duration.ofSeconds(60))).isEqualTo(1);
                assertThat(outcomes.drain(Duration.ofSeconds(1))).isEqualTo(1);
            }
            RunStateChange change = outcomes.cancellations.get(0);
            assertThat(change.getCommandId()).isEqualTo("cmd-1");
            assertThat(change.getVersion()).isEqualTo(2);
        }
    }
}
