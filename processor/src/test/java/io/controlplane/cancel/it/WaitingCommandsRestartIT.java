package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.demo.EmbeddedKafka;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.topology.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A command waiting for its run's state is still waiting after the processor restarts elsewhere. */
class WaitingCommandsRestartIT {

    private static final String REGISTRY = "waiting-restart-it";

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
        InMemorySchemaRegistry.dropScope(REGISTRY);
    }

    private static double waitingTotal(CancelProcessorApp app) {
        return app.streams().metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-cancel-processor-metrics"))
                .filter(e -> e.getKey().name().equals("waiting-total"))
                .mapToDouble(e -> (Double) e.getValue().metricValue())
                .sum();
    }

    @Test
    void waitingCommandIsRestoredFromItsChangelogOnAFreshInstance() throws Exception {
        Map<String, Object> settings = TestSettings.processor(kafka.bootstrapServers(), "mock://" + REGISTRY);
        // Long enough that only a restored command can still be waiting when its run state arrives.
        settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, Duration.ofMinutes(2).toMillis());
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        Topics topics = new Topics(config);
        kafka.createTopics(config, 3);

        try (CancelTraffic traffic = new CancelTraffic(kafka.bootstrapServers(), topics);
             Outcomes outcomes = new Outcomes(kafka.bootstrapServers(), topics)) {
            traffic.grant("alice", List.of("admin"), List.of("acme"));
            traffic.flush();
            try (CancelProcessorApp first = CancelProcessorApp.start(settings)) {
                traffic.cancel("cmd-1", "run-1", "alice");
                traffic.flush();
                await().atMost(Duration.ofSeconds(60)).until(() -> waitingTotal(first) == 1.0);
            }

            // A fresh state directory: the second instance has only the changelogs to go by.
            settings.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("cancel-it-restarted").toString());
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
