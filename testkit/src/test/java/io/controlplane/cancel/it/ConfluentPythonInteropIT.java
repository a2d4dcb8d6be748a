package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.ConfluentPython;
import io.controlplane.cancel.it.support.RawRecords;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's own client (its Python AvroProducer and MessageSerializer) and the processor read
 * each other's records through the same registry: proof that our framing and registry use are
 * Confluent's, not merely self-consistent. The processor runs in signed mode, and Python (Debian's
 * python3-jwt) signs each command's identity with a key the test makes; one forged command is refused.
 */
class ConfluentPythonInteropIT {

    private static final Path COMMAND_SCHEMA = Path.of("..", "schemas", "CancelCommand.avsc");
    private static final Path SCRIPT_LOG = Path.of("target", "confluent-interop.log");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
    private static final String ISSUER = "https://issuer.interop.local";

    @RegisterExtension
    @Order(0)
    static final BeforeAllCallback confluentPython = ConfluentPython.required();

    @RegisterExtension
    static final RealBroker broker = RealBroker.withApicurio();

    @Test
    void commandsFromConfluentsProducerAreDecidedAndItsDeserializerReadsTheOutcomes() throws Exception {
        Map<String, Object> settings = TestSettings.processor(
                broker.bootstrapServers(), broker.registry().ccompatUrl());
        RSAKey issuerKey = new RSAKeyGenerator(2048).keyID("interop-issuer").generate();
        Path keys = Files.createTempDirectory("interop-identity");
        Path jwks = Files.writeString(keys.resolve("jwks.json"), new JWKSet(issuerKey.toPublicJWK()).toString());
        Path privateKey = Files.writeString(
                keys.resolve("issuer.pem"),
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(issuerKey.toPrivateKey().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        settings.put(CancelProcessorConfig.IDENTITY_MODE, "signed");
        settings.put(CancelProcessorConfig.IDENTITY_JWKS_URL, jwks.toUri().toString());
        settings.put(CancelProcessorConfig.IDENTITY_ISSUER, ISSUER);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        broker.kafka().createTopics(config, 1);
        Topics topics = new Topics(config);
        // the state the script's commands are decided against (see its docstring)
        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics)) {
            traffic.grant("ops-py", List.of("admin"), List.of("*"));
            traffic.runState("exec-py-run", "tenant-py", RunStatus.RUNNING, 2);
            traffic.runState("exec-py-done", "tenant-py", RunStatus.COMPLETED, 4);
            traffic.flush();
        }
        Instant beforeScript = Instant.now();

        int exitCode;
        try (CancelProcessorApp app = CancelProcessorApp.start(settings)) {
            exitCode = runScript(config, privateKey);
        }

        assertThat(exitCode)
                .as("confluent_interop.py exit code; its output:%n%s", Files.readString(SCRIPT_LOG))
                .isZero();
        List<ConsumerRecord<String, byte[]>> written =
                RawRecords.read(broker.bootstrapServers(), List.of(topics.commands.name()), 4, Duration.ofSeconds(30));
        assertThat(written).hasSize(4);
        int pythonSchemaId = broker.registry().latestId(topics.commands.name() + "-value");
        for (ConsumerRecord<String, byte[]> record : written) {
            assertThat(RawRecords.schemaId(record.value())).isEqualTo(pythonSchemaId);
            CancelCommand command =
                    topics.commands.valueSerde().deserializer().deserialize(record.topic(), record.value());
            assertThat(command.getTraceId()).isEqualTo("trace-" + command.getCommandId());
            assertThat(command.getReason()).isEqualTo("written by Confluent's Python client");
            // Python's datetime went through timestamp-millis: within a second of when the script ran
            assertThat(command.getRequestedAt()).isBetween(beforeScript.minusSeconds(1), Instant.now());
        }
        assertThat(written)
                .extracting(r -> topics.commands
                        .valueSerde()
                        .deserializer()
                        .deserialize(r.topic(), r.value())
                        .getCommandId())
                .containsExactly("cmd-py-cancel", "cmd-py-done", "cmd-py-intruder", "cmd-py-forged");
        assertThat(written)
                .allSatisfy(record ->
                        assertThat(record.headers().lastHeader("authorization")).isNotNull());
    }

    private int runScript(CancelProcessorConfig config, Path signingKey) throws IOException, InterruptedException {
        return ConfluentPython.run(
                "confluent_interop.py",
                List.of(
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--schema-registry-url",
                        broker.registry().ccompatUrl(),
                        "--command-schema",
                        COMMAND_SCHEMA.toString(),
                        "--commands-topic",
                        config.commandsTopic(),
                        "--run-state-changes-topic",
                        config.runStateChangesTopic(),
                        "--rejections-topic",
                        config.rejectionsTopic(),
                        "--timeout",
                        "60",
                        "--signing-key",
                        signingKey.toString(),
                        "--issuer",
                        ISSUER,
                        "--key-id",
                        "interop-issuer"),
                SCRIPT_LOG,
                SCRIPT_TIMEOUT);
    }
}
