package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.InProcessProcessor.SettingsChange;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorMetrics;
import io.controlplane.cancel.it.support.RealBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A command waiting for its run's state is still waiting after the processor restarts elsewhere. */
class WaitingCommandsRestartIT {

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedByTheTests(
                    broker,
                    // Long enough that only a restored command can still be waiting when its run state arrives.
                    SettingsChange.notFoundGrace(Duration.ofMinutes(2)))
            .seededWith(traffic -> traffic.grant("alice", List.of("admin"), List.of("acme")));

    @Test
    void waitingCommandIsRestoredFromItsChangelogOnAFreshInstance() throws Exception {
        CancelTraffic traffic = processor.traffic();
        try (Outcomes outcomes = processor.outcomes()) {
            processor.start();
            traffic.cancel("cmd-1", "run-1", "alice");
            traffic.flush();
            ProcessorMetrics metrics = processor.metrics();
            await().atMost(Duration.ofSeconds(60)).until(() -> metrics.total("waiting-total") == 1.0);
            processor.stop();

            // A fresh state directory: the second instance has only the changelogs to go by.
            Path restarted = Files.createTempDirectory("cancel-it-restarted");
            processor.start(settings -> settings.put(StreamsConfig.STATE_DIR_CONFIG, restarted.toString()));
            traffic.runState("run-1", "acme", RunStatus.RUNNING, 1);
            traffic.flush();
            assertThat(outcomes.awaitAtLeast(1, Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(outcomes.drain(Duration.ofSeconds(1))).isEqualTo(1);
            RunStateChange change = outcomes.cancellations.get(0);
            assertThat(change.getCommandId()).isEqualTo("cmd-1");
            assertThat(change.getVersion()).isEqualTo(2);
        }
    }
}
