package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.NewerProducerCommands;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorMetrics;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TcpProxy;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry becomes unreachable while records arrive that the processor cannot handle without
 * it: nothing is lost or dead-lettered, every record is decided once the registry is back, and
 * the processor keeps running. The outage is a cut network (a proxy between processor and
 * Apicurio), because Apicurio keeps its schemas in memory and a restart would lose them.
 */
class RegistryOutageIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /**
     * Kafka's default session timeout: a replaced stream thread that stayed in the group would hold its
     * partitions that long after the registry came back.
     */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);
    /** Well under the session timeout, and well over a rebalance here. */
    private static final Duration DECIDED_AFTER_THE_OUTAGE_WITHIN = Duration.ofSeconds(15);

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.sharedWithApicurio();

    private static TcpProxy proxy;

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedByTheTests(broker, settings -> {
                // made here, once the registry is up: the processor's settings point at it
                proxy = new TcpProxy(broker.registry().port());
                settings.put("schema.registry.url", "http://127.0.0.1:" + proxy.port() + "/apis/ccompat/v7");
                // Shorter than each outage below, so that the outage outlasts the client's own retries and
                // the failed-thread path has to carry it.
                settings.put(SchemaRegistryClients.HTTP_RETRY_MAX_MS, "1000");
                settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(SESSION_TIMEOUT.toMillis()));
            })
            .partitions(1);

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void recordsNeedingTheRegistryWaitOutTheOutageAndAreDecidedOnceItIsBack() throws Exception {
        // Upstream producers reach the registry directly: only the processor is cut off.
        Map<String, Object> producerSettings = processor.settings();
        producerSettings.put("schema.registry.url", broker.registry().ccompatUrl());
        Topics topics = new Topics(new CancelProcessorConfig(producerSettings));

        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics);
                Outcomes outcomes = new Outcomes(broker.bootstrapServers(), topics)) {
            traffic.grant("ops-1", List.of("admin"), List.of("*"));
            for (String execution : List.of("exec-0", "exec-1", "exec-2", "exec-3")) {
                traffic.runState(execution, "tenant-a", RunStatus.RUNNING, 1);
            }
            traffic.runState("exec-done", "tenant-a", RunStatus.COMPLETED, 5);
            traffic.cancel("cmd-0", "exec-0", "ops-1");
            traffic.flush();

            CancelProcessorApp app = processor.start();
            ProcessorMetrics metrics = processor.metrics();
            // warm: the processor has now cached the input schemas and RunStateChange's id
            assertThat(outcomes.awaitAtLeast(1, DEADLINE)).isEqualTo(1);

            // Encoding a rejection needs the registry: CancelRejection has not been registered yet.
            long restored = outage(metrics, () -> {
                traffic.cancel("cmd-done", "exec-done", "ops-1");
                traffic.flush();
            });
            decidedSoonAfter(restored, outcomes, 2);

            // Decoding needs the registry: the commands carry a schema id the processor has not seen.
            int newCommandSchemaId = broker.registry()
                    .register(topics.commands.name() + "-value", NewerProducerCommands.schemaWith("priority"));
            restored = outage(metrics, () -> {
                for (String execution : List.of("exec-1", "exec-2", "exec-3")) {
                    traffic.raw(
                            topics.commands.name(),
                            execution,
                            NewerProducerCommands.framed(
                                    NewerProducerCommands.schemaWith("priority"),
                                    newCommandSchemaId,
                                    "cmd-" + execution,
                                    execution,
                                    "ops-1"));
                }
                traffic.flush();
            });
            decidedSoonAfter(restored, outcomes, 5);

            outcomes.drain(Duration.ofSeconds(1));
            assertThat(outcomes.cancellations)
                    .extracting(RunStateChange::getExecutionId)
                    .containsExactlyInAnyOrder("exec-0", "exec-1", "exec-2", "exec-3");
            assertThat(outcomes.rejections)
                    .extracting(CancelRejection::getExecutionId, CancelRejection::getCode)
                    .containsExactly(Tuple.tuple("exec-done", RejectionCode.ALREADY_TERMINAL));
            assertThat(outcomes.deadLetters).isEmpty();
            assertThat(app.isRunning()).isTrue();
        }
    }

    /**
     * A replaced stream thread leaves its partitions idle for seconds, not for a session timeout: the
     * failed thread's consumer leaves the group (Kafka Streams would keep it in).
     */
    private static void decidedSoonAfter(long restoredNanos, Outcomes outcomes, int expected) {
        assertThat(outcomes.awaitAtLeast(expected, DECIDED_AFTER_THE_OUTAGE_WITHIN))
                .as(
                        "outcomes within %s of the registry's return (session timeout %s)",
                        DECIDED_AFTER_THE_OUTAGE_WITHIN, SESSION_TIMEOUT)
                .isEqualTo(expected);
        System.out.printf(
                "RegistryOutageIT: decided %d ms after the registry came back (a replaced thread; session timeout %d s)%n",
                Duration.ofNanos(System.nanoTime() - restoredNanos).toMillis(), SESSION_TIMEOUT.toSeconds());
    }

    /**
     * Cuts the processor off the registry, produces, waits until a stream thread has failed on the
     * outage (more than the client's retry budget has passed), then restores the network.
     *
     * @return when the network was restored, as System.nanoTime()
     */
    private static long outage(ProcessorMetrics metrics, Runnable produce) {
        double failedBefore = metrics.failedStreamThreads();
        proxy.cut();
        try {
            produce.run();
            // The thread failure awaited here is passed on to the JVM's default handler once Kafka Streams
            // has replaced the thread; Awaitility would otherwise take it for the test's own (as in
            // RegistryFaultsIT).
            await().dontCatchUncaughtExceptions()
                    .atMost(DEADLINE)
                    .until(() -> metrics.failedStreamThreads() > failedBefore);
        } finally {
            proxy.restore();
        }
        return System.nanoTime();
    }
}
