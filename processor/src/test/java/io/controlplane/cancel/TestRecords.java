package io.controlplane.cancel;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The records and tokens the tests write, as upstream services and identity providers make them:
 * one place that knows their fields, for the unit tests (TopologyTestDriver) and the real-broker ones.
 */
public final class TestRecords {

    /** The audience a signed command's token must name. */
    public static final String AUDIENCE = "controlplane.execution.cancel";

    private TestRecords() {}

    /** A cancel command whose traceId is {@code trace-<commandId>}, so an outcome is traced back to it. */
    public static CancelCommand command(
            String commandId, String executionId, String actorId, String reason, Instant requestedAt) {
        return new CancelCommand(
                commandId,
                executionId,
                actorId,
                reason,
                requestedAt,
                "trace-" + commandId,
                CancelMode.FORCE,
                null,
                null);
    }

    /** A run's state with no parent run. */
    public static RunState runState(
            String executionId, String tenantId, RunStatus status, long version, Instant updatedAt) {
        return runState(executionId, tenantId, status, version, updatedAt, null);
    }

    /** A run's state naming its parent run ({@code null}: none). */
    public static RunState runState(
            String executionId,
            String tenantId,
            RunStatus status,
            long version,
            Instant updatedAt,
            String parentExecutionId) {
        return new RunState(executionId, tenantId, status, version, updatedAt, parentExecutionId, null);
    }

    public static OperatorGrant grant(String actorId, List<String> roles, List<String> tenants) {
        return new OperatorGrant(actorId, roles, tenants);
    }

    /** The claims an identity provider gives {@code actor} for {@link #AUDIENCE}, valid from {@code issuedAt}. */
    public static JWTClaimsSet.Builder claims(String issuer, String actor, Instant issuedAt, Duration validFor) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject(actor)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(validFor)));
    }

    /** {@code claims} signed as a compact JWT, its header naming {@code keyId}. */
    public static String token(JWSSigner signer, JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims)
            throws JOSEException {
        SignedJWT token =
                new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
        token.sign(signer);
        return token.serialize();
    }
}
