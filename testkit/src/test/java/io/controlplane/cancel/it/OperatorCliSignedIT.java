package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.OperatorCli;
import io.controlplane.cancel.it.support.ProcessorMetrics;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code cancel --token JWT} against a processor in signed mode: the token is the proof, never printed. */
class OperatorCliSignedIT {

    private static final String ISSUER = "https://issuer.operator-cli.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TENANT = "acme";

    @RegisterExtension
    static final RealBroker broker = RealBroker.only();

    private static String registryScope;
    private static RSAKey issuerKey;
    private static CancelProcessorApp processor;
    private static OperatorCli cli;

    @BeforeAll
    static void startSignedProcessor() throws Exception {
        registryScope = "operator-cli-signed-" + UUID.randomUUID();
        issuerKey = new RSAKeyGenerator(2048).keyID("issuer-key").generate();
        Path dir = Files.createTempDirectory("operator-cli-signed-it");
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(issuerKey.toPublicJWK()).toString());
        Map<String, Object> settings = TestSettings.processor(broker.bootstrapServers(), "mock://" + registryScope);
        settings.put(CancelProcessorConfig.IDENTITY_MODE, "signed");
        settings.put(CancelProcessorConfig.IDENTITY_JWKS_URL, jwks.toUri().toString());
        settings.put(CancelProcessorConfig.IDENTITY_ISSUER, ISSUER);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        broker.kafka().createTopics(config, 3);
        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), new Topics(config))) {
            traffic.grant("alice", List.of("admin"), List.of(TENANT));
            traffic.runState("run-signed", TENANT, RunStatus.RUNNING, 1);
            traffic.runState("run-signed-again", TENANT, RunStatus.RUNNING, 1);
            traffic.runState("run-unsigned", TENANT, RunStatus.RUNNING, 1);
            traffic.flush();
        }
        processor = CancelProcessorApp.start(settings);
        ProcessorMetrics metrics = ProcessorMetrics.of(settings);
        await().atMost(TIMEOUT).until(() -> metrics.state().equals(KafkaStreams.State.RUNNING.name()));
        cli = new OperatorCli(settings, dir.resolve("cli.properties"));
    }

    @AfterAll
    static void stop() {
        if (processor != null) {
            processor.close();
        }
        InMemorySchemaRegistry.dropScope(registryScope);
    }

    /** What an identity provider gives alice for one command: its jti is the commandId. */
    private static String tokenFor(String actor, String commandId) throws Exception {
        return TestRecords.token(
                new RSASSASigner(issuerKey),
                JWSAlgorithm.RS256,
                issuerKey.getKeyID(),
                TestRecords.claims(ISSUER, actor, Instant.now(), Duration.ofMinutes(10))
                        .jwtID(commandId)
                        .build());
    }

    @Test
    void signedCommandCancelsWithTheTokensJtiAsCommandIdAndTheTokenIsNeverPrinted() throws Exception {
        String token = tokenFor("alice", "cmd-signed-1");

        OperatorCli.Run run = cli.run("cancel", "--execution", "run-signed", "--by", "alice", "--token", token);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("CANCELLED 'run-signed'").contains("command 'cmd-signed-1'");
        assertThat(run.out() + run.err()).doesNotContain(token);
    }

    @Test
    void theSameBoundTokenSentAgainIsADuplicateWithNoOutcomeExitThree() throws Exception {
        String token = tokenFor("alice", "cmd-signed-twice");
        assertThat(cli.run("cancel", "--execution", "run-signed-again", "--by", "alice", "--token", token)
                        .exitCode())
                .isZero();

        OperatorCli.Run again = cli.run(
                "cancel", "--execution", "run-signed-again", "--by", "alice", "--token", token, "--timeout", "3s");

        assertThat(again.exitCode()).as(again.toString()).isEqualTo(3);
        assertThat(again.out()).startsWith("NO OUTCOME for command 'cmd-signed-twice'");
    }

    @Test
    void unsignedCommandInSignedModeIsUnauthorizedExitTwo() {
        OperatorCli.Run run = cli.run("cancel", "--execution", "run-unsigned", "--by", "alice");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).startsWith("REJECTED UNAUTHORIZED 'run-unsigned': ");
    }
}
