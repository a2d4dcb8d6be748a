package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.NewerProducerCommands;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorMetrics;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TcpProxy;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replaced stream thread leaves its partitions idle for seconds, not for a session timeout. A
 * thread is failed on purpose (the registry cut off while a command with a new schema id waits to be
 * decoded), then the registry comes back; how long after that the command is decided is the stall.
 * The session timeout is Kafka's default, 45 s: a replaced thread that stayed in the group would hold
 * its partitions that long.
 */
class ReplacedThreadStallIT {

    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);
    /** Well under the session timeout, and well over a rebalance here. */
    private static final Duration STALL_BUDGET = Duration.ofSeconds(15);

    @RegisterExtension
    static final RealBroker broker = RealBroker.withApicurio();

    private static TcpProxy proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = new TcpProxy(broker.registry().port());
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aReplacedThreadsPartitionsAreDecidingAgainWithinSecondsNotASessionTimeout() throws Exception {
        Map<String, Object> settings = TestSettings.processor(
                broker.bootstrapServers(), "http://127.0.0.1:" + proxy.port() + "/apis/ccompat/v7");
        settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(SESSION_TIMEOUT.toMillis()));
        settings.put(SchemaRegistryClients.HTTP_RETRY_MAX_MS, "500");
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        broker.kafka().createTopics(config, 1);
        Map<String, Object> producerSettings = new HashMap<>(settings);
        producerSettings.put("schema.registry.url", broker.registry().ccompatUrl());
        Topics topics = new Topics(new CancelProcessorConfig(producerSettings));

        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics);
                Outcomes outcomes = new Outcomes(broker.bootstrapServers(), topics)) {
            traffic.grant("ops-1", List.of("admin"), List.of("*"));
            traffic.runState("exec-0", "tenant-a", RunStatus.RUNNING, 1);
            traffic.runState("exec-1", "tenant-a", RunStatus.RUNNING, 1);
            traffic.cancel("cmd-0", "exec-0", "ops-1");
            traffic.flush();

            try (CancelProcessorApp app = CancelProcessorApp.start(settings)) {
                ProcessorMetrics metrics = ProcessorMetrics.of(settings);
                assertThat(outcomes.awaitAtLeast(1, Duration.ofSeconds(60))).isEqualTo(1);

                int newSchemaId = broker.registry()
                        .register(topics.commands.name() + "-value", NewerProducerCommands.schemaWith("priority"));
                double failedBefore = metrics.failedStreamThreads();
                proxy.cut();
                long restoredAt;
                try {
                    traffic.raw(
                            topics.commands.name(),
                            "exec-1",
                            NewerProducerCommands.framed(
                                    NewerProducerCommands.schemaWith("priority"),
                                    newSchemaId,
                                    "cmd-1",
                                    "exec-1",
                                    "ops-1"));
                    traffic.flush();
                    await().dontCatchUncaughtExceptions()
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> metrics.failedStreamThreads() > failedBefore);
                } finally {
                    proxy.restore();
                    restoredAt = System.nanoTime();
                }
                assertThat(outcomes.awaitAtLeast(2, STALL_BUDGET))
                        .as("decided within %s of the registry's return", STALL_BUDGET)
                        .isEqualTo(2);
                Duration stall = Duration.ofNanos(System.nanoTime() - restoredAt);
                System.out.printf(
                        "ReplacedThreadStallIT: decided %d ms after the registry came back (session timeout %d s)%n",
                        stall.toMillis(), SESSION_TIMEOUT.toSeconds());
                assertThat(outcomes.cancellationsOf("cmd-1")).hasSize(1);
                assertThat(app.isRunning()).isTrue();
            }
        }
    }
}
