package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.OperatorCli;
import io.controlplane.cancel.it.support.RealBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code cancel --token JWT} against a processor in signed mode: the token is the proof, never printed. */
class OperatorCliSignedIT {

    private static final String ISSUER = "https://issuer.operator-cli.test";
    private static final String TENANT = "acme";

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    private static final RSAKey issuerKey = issuerKey();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedBeforeAll(broker, settings -> {
                Path jwks = Files.createTempDirectory("operator-cli-signed-it").resolve("jwks.json");
                Files.writeString(jwks, new JWKSet(issuerKey.toPublicJWK()).toString());
                settings.put(CancelProcessorConfig.IDENTITY_MODE, "signed");
                settings.put(
                        CancelProcessorConfig.IDENTITY_JWKS_URL, jwks.toUri().toString());
                settings.put(CancelProcessorConfig.IDENTITY_ISSUER, ISSUER);
            })
            .seededWith(traffic -> {
                traffic.grant("alice", List.of("admin"), List.of(TENANT));
                traffic.runState("run-signed", TENANT, RunStatus.RUNNING, 1);
                traffic.runState("run-signed-again", TENANT, RunStatus.RUNNING, 1);
                traffic.runState("run-unsigned", TENANT, RunStatus.RUNNING, 1);
            });

    private static OperatorCli cli;

    @BeforeAll
    static void cliOnTheProcessorsTopics() throws Exception {
        cli = new OperatorCli(
                processor.settings(),
                Files.createTempDirectory("operator-cli-signed-it").resolve("cli.properties"));
    }

    private static RSAKey issuerKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("issuer-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
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
