package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.TestCertificates;
import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.app.StartupException;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.HttpsRegistryFront;
import io.controlplane.cancel.it.support.NewerProducerCommands;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import io.controlplane.cancel.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The processor and the real Apicurio registry behind an HTTPS front that checks basic auth, with a
 * CA made here: the processor trusts the registry through {@code schema.registry.ssl.truststore.*}
 * and decides commands end to end. Credentials the registry refuses make commands wait, never
 * dead-letter them, and no password reaches a log line.
 */
class RegistryOverHttpsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String USER = "cancel";
    private static final String PASSWORD = "s3cret-registry-pw";
    private static final String TRUSTSTORE_PASSWORD = "s3cret-truststore-pw";
    /** Refused answers to one schema fetch before the password is right again: tried, and retried. */
    private static final int REFUSALS = 3;

    @RegisterExtension
    static final RealBroker broker = RealBroker.sharedWithApicurio();

    private static HttpsRegistryFront front;
    private static Path truststore;

    @BeforeAll
    static void startBrokerRegistryAndHttpsFront() throws Exception {
        TestCertificates ca = TestCertificates.authority("registry-it-ca");
        front = new HttpsRegistryFront(
                broker.registry().port(), ca.issue("registry", "127.0.0.1").serverContext(null), USER, PASSWORD);
        truststore = ca.truststore(
                Files.createTempDirectory("registry-it-tls").resolve("truststore.p12"), "PKCS12", TRUSTSTORE_PASSWORD);
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void commandsAreDecidedThroughTheHttpsRegistryAndWaitWhileItRefusesTheCredentials() throws Exception {
        Map<String, Object> settings = settings(PASSWORD);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        broker.kafka().createTopics(config, 1);
        // Upstream producers go through the same front, with the same settings.
        Topics topics = new Topics(config);
        String subject = topics.commands.name() + "-value";

        try (CancelTraffic traffic = new CancelTraffic(broker.kafka().bootstrapServers(), topics);
                Outcomes outcomes = new Outcomes(broker.kafka().bootstrapServers(), topics);
                CapturedLog log = CapturedLog.of("io.controlplane.cancel")) {
            traffic.grant("ops-1", List.of("admin"), List.of("*"));
            traffic.runState("exec-1", "tenant-a", RunStatus.RUNNING, 1);
            traffic.runState("exec-2", "tenant-a", RunStatus.RUNNING, 1);
            traffic.cancel("cmd-1", "exec-1", "ops-1");
            traffic.flush();

            // A stream thread failing on refused credentials is expected here; Awaitility would
            // otherwise take its uncaught exception (passed on after Kafka Streams replaces it) for the test's.
            try (CancelProcessorApp app = CancelProcessorApp.start(settings)) {
                assertThat(outcomes.awaitUntil(
                                () -> !outcomes.cancellationsOf("cmd-1").isEmpty(), DEADLINE))
                        .isTrue();
                int relayedBefore = front.relayedRequests();
                assertThat(relayedBefore).isPositive();

                // The registry's password is rotated under the running processor, and a newer producer
                // writes with a schema the processor has not seen: decoding it must ask the registry.
                front.acceptPassword("rotated-" + PASSWORD);
                Schema newer = NewerProducerCommands.schemaWith("note");
                int schemaId = broker.registry().register(subject, newer);
                traffic.raw(
                        topics.commands.name(),
                        "exec-2",
                        NewerProducerCommands.framed(newer, schemaId, "cmd-2", "exec-2", "ops-1"));
                traffic.flush();
                String path = "/apis/ccompat/v7/schemas/ids/" + schemaId;
                await().dontCatchUncaughtExceptions().atMost(DEADLINE).until(() -> front.refusalsOf(path) >= REFUSALS);

                outcomes.drain(Duration.ofMillis(300));
                assertThat(outcomes.cancellationsOf("cmd-2")).isEmpty();
                assertThat(outcomes.rejectionsOf("cmd-2")).isEmpty();
                assertThat(outcomes.deadLetters).isEmpty();

                front.acceptPassword(PASSWORD);
                assertThat(outcomes.awaitUntil(
                                () -> !outcomes.cancellationsOf("cmd-2").isEmpty(), DEADLINE))
                        .isTrue();
                outcomes.drain(Duration.ofMillis(300));
                assertThat(outcomes.deadLetters).isEmpty();
                assertThat(outcomes.rejections).isEmpty();
                assertThat(front.relayedRequests()).isGreaterThan(relayedBefore);
                assertThat(app.isRunning()).isTrue();
            }
            assertThat(log.lines()).anySatisfy(line -> {
                assertThat(line.level()).isEqualTo("ERROR");
                assertThat(line.message())
                        .contains("Schema registry at " + front.ccompatUrl() + " refused the credentials: HTTP 401");
            });
            assertThat(log.text()).doesNotContain(PASSWORD).doesNotContain(TRUSTSTORE_PASSWORD);
        }
    }

    @Test
    void aProcessorWithTheWrongPasswordDoesNotStartAndSaysSoWithoutIt() throws Exception {
        Map<String, Object> settings = settings("wrong-" + PASSWORD);
        broker.kafka().createTopics(new CancelProcessorConfig(settings), 1);

        assertThatThrownBy(() -> CancelProcessorApp.start(settings))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith(
                        "Schema registry at " + front.ccompatUrl() + " refused the credentials: HTTP 401")
                .hasMessageNotContaining(PASSWORD)
                .hasMessageNotContaining(TRUSTSTORE_PASSWORD);
    }

    private static Map<String, Object> settings(String password) {
        Map<String, Object> settings =
                TestSettings.isolated(broker.bootstrapServers(), front.ccompatUrl(), "RegistryOverHttpsIT");
        settings.put(SchemaRegistryClients.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        settings.put(SchemaRegistryClients.BASIC_AUTH_USER_INFO, USER + ":" + password);
        settings.put(SchemaRegistryClients.SSL_TRUSTSTORE_LOCATION, truststore.toString());
        settings.put(SchemaRegistryClients.SSL_TRUSTSTORE_TYPE, "PKCS12");
        settings.put(SchemaRegistryClients.SSL_TRUSTSTORE_PASSWORD, TRUSTSTORE_PASSWORD);
        // Long enough to ride out a short fault inside the call; the refusal is held past it.
        settings.put(SchemaRegistryClients.HTTP_RETRY_MAX_MS, "3000");
        return settings;
    }
}
