package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.FaultyRegistryProxy;
import io.controlplane.cancel.it.support.FaultyRegistryProxy.Fault;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.NewerProducerCommands;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorMetrics;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import io.controlplane.cancel.topology.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A registry that answers badly (refused credentials, throttling, a server error, a redirect, a
 * login page) is an outage, not a verdict on the records: commands that need it stay pending, none
 * is dead-lettered, and each is decided once it answers properly. Only the registry's own "no such
 * schema" dead-letters a record. Credentials in the registry URL appear in no log line.
 */
class RegistryFaultsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String PASSWORD = "s3cret-registry-pw";
    private static final String PREFIX = "/apis/ccompat/v7";
    /** Refused answers to one schema fetch before the fault is lifted: the processor has tried, and retried. */
    private static final int REFUSALS = 3;

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.sharedWithApicurio();

    private static FaultyRegistryProxy proxy;

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedByTheTests(broker, settings -> {
                // made here, once the registry is up: the processor's settings point at it
                proxy = new FaultyRegistryProxy(broker.registry().port());
                settings.put(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                        "http://cancel:" + PASSWORD + "@127.0.0.1:" + proxy.port() + PREFIX);
                // Long enough for the client to ride out a short fault inside the call; refused credentials
                // are held past it below, so that the failed-thread path has to carry them too.
                settings.put(SchemaRegistryClients.HTTP_RETRY_MAX_MS, "3000");
                // The faulty proxy speaks plain HTTP on the loopback (RegistryOverHttpsIT covers HTTPS).
                settings.put(SchemaRegistryClients.BASIC_AUTH_ALLOW_PLAIN_HTTP, "true");
            })
            .partitions(1);

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void commandsWaitOutEveryRegistryFaultAndAreDecidedOnceItAnswers() throws Exception {
        // Upstream producers reach the registry directly: only the processor sees the faults.
        Map<String, Object> producerSettings = processor.settings();
        producerSettings.put(
                SchemaRegistryClients.SCHEMA_REGISTRY_URL, broker.registry().ccompatUrl());
        Topics topics = new Topics(new CancelProcessorConfig(producerSettings));
        String subject = topics.commands.name() + "-value";

        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics);
                Outcomes outcomes = new Outcomes(broker.bootstrapServers(), topics);
                CapturedLog log = CapturedLog.of("io.controlplane.cancel")) {
            traffic.grant("ops-1", List.of("admin"), List.of("*"));
            traffic.runState("exec-warm", "tenant-a", RunStatus.RUNNING, 1);
            for (Fault fault : Fault.values()) {
                traffic.runState(execution(fault), "tenant-a", RunStatus.RUNNING, 1);
            }
            traffic.cancel("cmd-warm", "exec-warm", "ops-1");
            traffic.flush();

            // A stream thread failing on a fault is expected here; Awaitility would otherwise take its
            // uncaught exception (passed on after Kafka Streams replaces the thread) for the test's.
            CancelProcessorApp app = processor.start();
            ProcessorMetrics metrics = processor.metrics();
            // warm: the input schemas and RunStateChange's id are now cached
            assertThat(outcomes.awaitAtLeast(1, DEADLINE)).isEqualTo(1);

            for (Fault fault : Fault.values()) {
                // A schema version the processor has not seen: decoding must ask the registry.
                int schemaId = broker.registry().register(subject, NewerProducerCommands.schemaWith(fieldName(fault)));
                String path = PREFIX + "/schemas/ids/" + schemaId;
                double failedBefore = metrics.failedStreamThreads();
                proxy.fail(fault);
                traffic.raw(
                        topics.commands.name(),
                        execution(fault),
                        NewerProducerCommands.framed(
                                NewerProducerCommands.schemaWith(fieldName(fault)),
                                schemaId,
                                "cmd-" + fault,
                                execution(fault),
                                "ops-1"));
                traffic.flush();
                await().dontCatchUncaughtExceptions()
                        .atMost(DEADLINE)
                        .until(() -> proxy.faultyAnswersTo(path) >= REFUSALS);
                if (fault == Fault.UNAUTHORIZED || fault == Fault.FORBIDDEN) {
                    await().dontCatchUncaughtExceptions()
                            .atMost(DEADLINE)
                            .until(() -> metrics.failedStreamThreads() > failedBefore);
                }

                outcomes.drain(Duration.ofMillis(300));
                assertThat(outcomes.cancellationsOf("cmd-" + fault))
                        .as("decided during %s", fault)
                        .isEmpty();
                assertThat(outcomes.rejectionsOf("cmd-" + fault))
                        .as("rejected during %s", fault)
                        .isEmpty();
                assertThat(outcomes.deadLetters)
                        .as("dead letters during %s", fault)
                        .isEmpty();

                proxy.heal();
                assertThat(outcomes.awaitUntil(
                                () -> !outcomes.cancellationsOf("cmd-" + fault).isEmpty(), DEADLINE))
                        .as("decided after %s", fault)
                        .isTrue();
            }

            // The registry's own "no such schema" still dead-letters the record.
            byte[] unknownId = ByteBuffer.allocate(13)
                    .put((byte) 0)
                    .putInt(987_654)
                    .putLong(42L)
                    .array();
            traffic.raw(topics.commands.name(), "exec-unknown-id", unknownId);
            traffic.flush();
            assertThat(outcomes.awaitUntil(() -> !outcomes.deadLetters.isEmpty(), DEADLINE))
                    .isTrue();

            outcomes.drain(Duration.ofMillis(500));
            assertThat(outcomes.cancellations)
                    .extracting(RunStateChange::getCommandId)
                    .containsExactlyInAnyOrder(expectedDecided());
            assertThat(outcomes.rejections).isEmpty();
            assertThat(outcomes.deadLetters).extracting(ConsumerRecord::key).containsExactly("exec-unknown-id");
            assertThat(app.isRunning()).isTrue();
            assertThat(log.text())
                    .contains("schema registry at http://127.0.0.1:" + proxy.port() + PREFIX)
                    .doesNotContain(PASSWORD);
            assertThat(log.lines()).anySatisfy(line -> {
                assertThat(line.level()).isEqualTo("ERROR");
                assertThat(line.message()).contains("refused the credentials: HTTP 401");
            });
        }
    }

    private static String execution(Fault fault) {
        return "exec-" + fault;
    }

    private static String[] expectedDecided() {
        List<String> ids = new ArrayList<>(List.of("cmd-warm"));
        for (Fault fault : Fault.values()) {
            ids.add("cmd-" + fault);
        }
        return ids.toArray(String[]::new);
    }

    private static String fieldName(Fault fault) {
        return "note_" + fault.name().toLowerCase();
    }
}
