package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.decision.IdentityFailure;
import io.controlplane.cancel.decision.RejectionMessages;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.identity.IdentitySettings;
import io.controlplane.cancel.identity.JwksCache;
import io.controlplane.cancel.identity.TokenVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cancel.identity.mode=signed: a command's actor is proven by a JWT in its authorization header,
 * each check failing on its own with a rejection that names it. Keys are made here; the JWKS is a
 * file; refreshes run when the test runs them.
 */
class SignedCommandsTest {

    private static final String ISSUER = "https://issuer.example";
    private static final String AUDIENCE = TestRecords.AUDIENCE;

    @TempDir
    Path dir;

    private final Queue<Runnable> pendingRefreshes = new ArrayDeque<>();
    private RSAKey rsa;
    private ECKey ec;
    private OctetKeyPair ed;
    private Path jwks;
    private JwksCache keys;
    private CancelDriver cancel;

    @BeforeEach
    void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        ed = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate();
        jwks = dir.resolve("jwks.json");
        publish(rsa, ec, ed);
        keys = JwksCache.load(jwks.toUri(), pendingRefreshes::add);
        IdentitySettings settings = new IdentitySettings(
                jwks.toUri(),
                Duration.ofMinutes(5),
                IdentitySettings.algorithms(List.of("RS256", "ES256", "EdDSA")),
                ISSUER,
                AUDIENCE,
                Duration.ofMinutes(1));
        // at least once: TopologyTestDriver drops dead letters under exactly_once_v2 (see DeadLetterQueueTest)
        cancel = new CancelDriver(
                Map.of(
                        CancelProcessorConfig.IDENTITY_MODE,
                        "signed",
                        CancelProcessorConfig.IDENTITY_ISSUER,
                        ISSUER,
                        CancelProcessorConfig.IDENTITY_JWKS_URL,
                        jwks.toUri().toString(),
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                        StreamsConfig.AT_LEAST_ONCE,
                        CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE,
                        true),
                new TokenVerifier(settings, keys));
        cancel.admin("alice");
        cancel.admin("bob");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
    }

    @AfterEach
    void close() {
        cancel.close();
    }

    // --- tokens ----------------------------------------------------------------------------------

    private void publish(JWK... published) throws IOException {
        Files.writeString(jwks, new JWKSet(List.of(published)).toString(true));
    }

    private static JWTClaimsSet.Builder claims(String actor) {
        return TestRecords.claims(ISSUER, actor, START, Duration.ofMinutes(5));
    }

    private String rs256(UnaryOperator<JWTClaimsSet.Builder> change, String actor) throws JOSEException {
        return TestRecords.token(
                new RSASSASigner(rsa),
                JWSAlgorithm.RS256,
                rsa.getKeyID(),
                change.apply(claims(actor)).build());
    }

    private static Headers bearer(String token) {
        return authorization("Bearer " + token);
    }

    private static Headers authorization(String value) {
        return new RecordHeaders().add(CommandIdentity.AUTHORIZATION_HEADER, value.getBytes(StandardCharsets.UTF_8));
    }

    private CancelCommand sendAs(String actor, Headers headers) {
        return sendAs("cmd-1", "run-1", actor, headers);
    }

    private CancelCommand sendAs(String commandId, String executionId, String actor, Headers headers) {
        CancelCommand command = cancel.command(commandId, executionId, actor);
        cancel.send(executionId, command, headers);
        return command;
    }

    private void assertUnproven(IdentityFailure failure) {
        CancelRejection rejection = cancel.onlyRejection();
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        assertThat(rejection.getMessage())
                .isEqualTo(RejectionMessages.unproven(failure))
                .doesNotContain("run-1");
        assertThat(rejection.getObservedStatus()).isNull();
    }

    private void assertCancelled(String actor) {
        var changes = cancel.changes();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).value().getCancelledBy()).isEqualTo(actor);
        assertThat(cancel.rejections()).isEmpty();
    }

    // --- one test per check ----------------------------------------------------------------------

    @Test
    void aCommandSignedByItsActorWithEveryDefaultAlgorithmIsDecided() throws Exception {
        cancel.runState("run-2", RunStatus.RUNNING, 1);
        cancel.runState("run-3", RunStatus.RUNNING, 1);

        sendAs("cmd-1", "run-1", "alice", bearer(rs256(c -> c, "alice")));
        sendAs(
                "cmd-2",
                "run-2",
                "alice",
                bearer(TestRecords.token(
                        new ECDSASigner(ec),
                        JWSAlgorithm.ES256,
                        "ec-1",
                        claims("alice").build())));
        sendAs(
                "cmd-3",
                "run-3",
                "alice",
                bearer(TestRecords.token(
                        new Ed25519Signer(ed),
                        JWSAlgorithm.EdDSA,
                        "ed-1",
                        claims("alice").build())));

        assertThat(cancel.rejections()).isEmpty();
        assertThat(cancel.changes())
                .extracting(r -> r.value().getExecutionId())
                .containsExactly("run-1", "run-2", "run-3");
    }

    @Test
    void theTokenProvesWhoAndTheGrantStillDecidesWhat() throws Exception {
        sendAs("carol", bearer(rs256(c -> c, "carol")));

        CancelRejection rejection = cancel.onlyRejection();
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        assertThat(rejection.getMessage()).isEqualTo(RejectionMessages.unauthorized("carol", "admin"));
    }

    @Test
    void aCommandWithoutAnAuthorizationHeaderIsUnauthorized() {
        sendAs("alice", new RecordHeaders());
        assertUnproven(IdentityFailure.MISSING_AUTHORIZATION);
    }

    @Test
    void aGarbageAuthorizationHeaderIsUnauthorized() throws Exception {
        sendAs("cmd-1", "run-1", "alice", authorization("Bearer not.a-jwt"));
        assertUnproven(IdentityFailure.MALFORMED_AUTHORIZATION);
        sendAs("cmd-2", "run-1", "alice", authorization("Basic YWxpY2U6c2VjcmV0"));
        assertUnproven(IdentityFailure.MALFORMED_AUTHORIZATION);
        String token = rs256(c -> c, "alice");
        sendAs(
                "cmd-3",
                "run-1",
                "alice",
                bearer(token)
                        .add(
                                CommandIdentity.AUTHORIZATION_HEADER,
                                ("Bearer " + token).getBytes(StandardCharsets.UTF_8)));
        assertUnproven(IdentityFailure.MALFORMED_AUTHORIZATION);
    }

    @Test
    void anExpiredTokenIsUnauthorized() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.expirationTime(Date.from(START.minus(Duration.ofMinutes(2)))), "alice")));
        assertUnproven(IdentityFailure.EXPIRED);
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsStillGood() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.expirationTime(Date.from(START.minusSeconds(30))), "alice")));
        assertCancelled("alice");
    }

    @Test
    void aTokenWithoutExpiryIsUnauthorized() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.expirationTime(null), "alice")));
        assertUnproven(IdentityFailure.NO_EXPIRY);
    }

    @Test
    void aTokenNotYetValidIsUnauthorized() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.notBeforeTime(Date.from(START.plus(Duration.ofMinutes(2)))), "alice")));
        assertUnproven(IdentityFailure.NOT_YET_VALID);
    }

    @Test
    void aTokenFromAnotherIssuerIsUnauthorized() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.issuer("https://elsewhere.example"), "alice")));
        assertUnproven(IdentityFailure.WRONG_ISSUER);
    }

    @Test
    void aTokenForAnotherAudienceIsUnauthorized() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.audience("controlplane.execution.start"), "alice")));
        assertUnproven(IdentityFailure.WRONG_AUDIENCE);
    }

    @Test
    void aTokenSignedWithAnotherKeyUnderAKnownKeyIdIsUnauthorized() throws Exception {
        RSAKey forger = new RSAKeyGenerator(2048).keyID(rsa.getKeyID()).generate();
        sendAs(
                "alice",
                bearer(TestRecords.token(
                        new RSASSASigner(forger),
                        JWSAlgorithm.RS256,
                        rsa.getKeyID(),
                        claims("alice").build())));
        assertUnproven(IdentityFailure.BAD_SIGNATURE);
    }

    @Test
    void anUnsignedTokenIsUnauthorized() {
        sendAs("alice", bearer(new PlainJWT(claims("alice").build()).serialize()));
        assertUnproven(IdentityFailure.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void aTokenMacedWithThePublicKeysBytesIsUnauthorized() throws Exception {
        byte[] publicKey = rsa.toRSAPublicKey().getEncoded();
        sendAs(
                "alice",
                bearer(TestRecords.token(
                        new MACSigner(publicKey),
                        JWSAlgorithm.HS256,
                        rsa.getKeyID(),
                        claims("alice").build())));
        assertUnproven(IdentityFailure.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void aTokenOfAnotherActorIsUnauthorizedAndDoesNotPreemptThatActorsCommand() throws Exception {
        // bob, himself an admin, signs for himself and claims to be alice, with the id alice will use
        sendAs("cmd-1", "run-1", "alice", bearer(rs256(c -> c, "bob")));
        assertUnproven(IdentityFailure.ACTOR_MISMATCH);

        sendAs("cmd-1", "run-1", "alice", bearer(rs256(c -> c, "alice")));
        assertCancelled("alice");
    }

    @Test
    void aTokenBoundToAnotherExecutionIsUnauthorized() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.claim("execution_id", "run-2"), "alice")));
        assertUnproven(IdentityFailure.EXECUTION_MISMATCH);
    }

    @Test
    void aTokenBoundToAnotherCommandIsUnauthorized() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.jwtID("cmd-other"), "alice")));
        assertUnproven(IdentityFailure.TOKEN_ID_MISMATCH);
    }

    @Test
    void aTokenBoundToItsExecutionAndCommandIsDecided() throws Exception {
        sendAs("alice", bearer(rs256(c -> c.claim("execution_id", "run-1").jwtID("cmd-1"), "alice")));
        assertCancelled("alice");
    }

    @Test
    void anUnknownKeyIdAsksForOneRefreshAndARotatedKeyIsUsedWithoutARestart() throws Exception {
        cancel.runState("run-2", RunStatus.RUNNING, 1);
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        String signedWithRotated = TestRecords.token(
                new RSASSASigner(rotated),
                JWSAlgorithm.RS256,
                "rsa-2",
                claims("alice").build());

        sendAs("cmd-1", "run-1", "alice", bearer(signedWithRotated));
        assertUnproven(IdentityFailure.UNKNOWN_KEY);
        sendAs("cmd-2", "run-1", "alice", bearer(signedWithRotated));
        assertUnproven(IdentityFailure.UNKNOWN_KEY);
        // a flood of unknown key ids costs one read, and none on the stream thread
        assertThat(pendingRefreshes).hasSize(1);

        publish(rsa, rotated);
        pendingRefreshes.remove().run();
        sendAs("cmd-3", "run-1", "alice", bearer(signedWithRotated));
        assertCancelled("alice");

        // the retired key is gone with the next scheduled refresh
        publish(rotated);
        keys.refresh();
        sendAs("cmd-4", "run-2", "alice", bearer(rs256(c -> c, "alice")));
        assertUnproven(IdentityFailure.UNKNOWN_KEY);
        // within the rate limit: no second early refresh; after it, one more
        assertThat(pendingRefreshes).isEmpty();
        cancel.advanceWallClock(JwksCache.ON_DEMAND_INTERVAL);
        sendAs("cmd-5", "run-2", "alice", bearer(rs256(c -> c, "alice")));
        assertUnproven(IdentityFailure.UNKNOWN_KEY);
        assertThat(pendingRefreshes).hasSize(1);
    }

    @Test
    void aKeySetThatCannotBeReadKeepsTheKeysReadBefore() throws Exception {
        Files.writeString(jwks, "{not json");
        try (CapturedLog log = CapturedLog.of(JwksCache.class)) {
            keys.refresh();
            assertThat(log.text()).contains("Could not read the JWKS");
        }
        sendAs("alice", bearer(rs256(c -> c, "alice")));
        assertCancelled("alice");
    }

    @Test
    void theTokenAppearsInNoOutputRejectionDeadLetterOrLogLine() throws Exception {
        String token = rs256(c -> c, "alice");
        String expired = rs256(c -> c.expirationTime(Date.from(START.minus(Duration.ofHours(1)))), "alice");
        String forged = rs256(c -> c, "bob");
        try (CapturedLog log = CapturedLog.of("io.controlplane.cancel")) {
            sendAs("cmd-1", "run-1", "alice", bearer(token));
            sendAs("cmd-2", "run-1", "alice", bearer(expired));
            sendAs("cmd-3", "run-1", "alice", bearer(forged));
            cancel.sendRaw("run-1", "not avro".getBytes(StandardCharsets.UTF_8), bearer(token));

            List<TestRecord<String, byte[]>> out = new ArrayList<>();
            out.addAll(cancel.read(cancel.topics.runStateChanges.name(), new ByteArrayDeserializer()));
            out.addAll(cancel.read(cancel.topics.rejections.name(), new ByteArrayDeserializer()));
            List<TestRecord<String, byte[]>> dead = cancel.read(cancel.topics.dlq, new ByteArrayDeserializer());
            assertThat(dead).hasSize(1);
            out.addAll(dead);
            assertThat(out).hasSize(4);
            for (TestRecord<String, byte[]> record : out) {
                for (String secret : List.of(token, expired, forged)) {
                    assertThat(text(record)).doesNotContain(secret).doesNotContain(signature(secret));
                }
            }
            for (String secret : List.of(token, expired, forged)) {
                assertThat(log.text()).doesNotContain(signature(secret));
            }
        }
    }

    private static String signature(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    private static String text(TestRecord<String, byte[]> record) {
        StringBuilder text = new StringBuilder(String.valueOf(record.key()));
        text.append(new String(record.value(), StandardCharsets.ISO_8859_1));
        for (Header header : record.headers()) {
            text.append(header.key()).append(new String(header.value(), StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    @Test
    void aCommandProvenOnArrivalWaitsForItsRunAndIsDecidedWhenItComes() throws Exception {
        sendAs("cmd-1", "run-9", "alice", bearer(rs256(c -> c, "alice")));
        assertThat(cancel.rejections()).isEmpty();
        cancel.runState("run-9", RunStatus.RUNNING, 1);
        assertCancelled("alice");
    }

    @Test
    void twoActorsMayUseTheSameCommandId() throws Exception {
        cancel.runState("run-2", RunStatus.RUNNING, 1);
        sendAs("cmd-1", "run-1", "alice", bearer(rs256(c -> c, "alice")));
        sendAs("cmd-1", "run-2", "bob", bearer(rs256(c -> c, "bob")));
        assertThat(cancel.changes()).extracting(r -> r.value().getCancelledBy()).containsExactly("alice", "bob");
        // and a repeat is still a repeat
        sendAs("cmd-1", "run-2", "bob", bearer(rs256(c -> c, "bob")));
        assertThat(cancel.changes()).isEmpty();
        assertThat(cancel.rejections()).isEmpty();
    }
}
