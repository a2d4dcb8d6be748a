package io.controlplane.cancel.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.controlplane.cancel.decision.ActorProof;
import io.controlplane.cancel.decision.IdentityFailure;
import java.security.Key;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Verifies a command's signed identity assertion with Nimbus (key selection, signature, claims), on
 * the processor's clock, and says which check failed. Each check is Nimbus's own; this class only
 * tells them apart, so that the rejection can name the one that failed.
 */
public final class TokenVerifier implements CommandIdentity {

    private static final String BEARER = "Bearer ";
    /** A signed identity assertion is a few hundred bytes; anything this long is not one. */
    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private final IdentitySettings settings;
    private final JwksCache keys;
    private final JWSVerificationKeySelector<SecurityContext> keySelector;
    private final int clockSkewSeconds;

    public TokenVerifier(IdentitySettings settings, JwksCache keys) {
        this.settings = settings;
        this.keys = keys;
        this.keySelector = new JWSVerificationKeySelector<>(settings.algorithms(), keys);
        // Nimbus counts skew in whole seconds: rounded up, so that no configured tolerance is lost.
        this.clockSkewSeconds = Math.toIntExact((settings.clockSkew().toMillis() + 999) / 1000);
    }

    @Override
    public ActorProof prove(String authorization, Instant now) {
        if (authorization == null) {
            return failed(IdentityFailure.MISSING_AUTHORIZATION);
        }
        if (authorization.length() > MAX_TOKEN_LENGTH + BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return failed(IdentityFailure.MALFORMED_AUTHORIZATION);
        }
        JWT token;
        try {
            token = JWTParser.parse(authorization.substring(BEARER.length()).trim());
        } catch (ParseException e) {
            return failed(IdentityFailure.MALFORMED_AUTHORIZATION);
        }
        if (token instanceof PlainJWT) {
            return failed(IdentityFailure.ALGORITHM_NOT_ALLOWED);
        }
        if (!(token instanceof SignedJWT signed)) {
            return failed(IdentityFailure.MALFORMED_AUTHORIZATION);
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new NamingKeySelector(now));
        processor.setJWSVerifierFactory(new Ed25519Keys.VerifierFactory());
        processor.setJWTClaimsSetVerifier(new NamingClaimsVerifier(now));
        try {
            JWTClaimsSet claims = processor.process(signed, null);
            return new ActorProof.Verified(claims.getSubject(), stringClaim(claims, "execution_id"), claims.getJWTID());
        } catch (FailedCheck e) {
            return failed(e.failure);
        } catch (NamedKeyFailure e) {
            return failed(e.failure);
        } catch (BadJWSException e) {
            return failed(IdentityFailure.BAD_SIGNATURE);
        } catch (BadJOSEException | JOSEException e) {
            // e.g. a key of the right id whose type does not fit the algorithm: it proves nothing
            return failed(IdentityFailure.BAD_SIGNATURE);
        }
    }

    /** A claim that is not a string cannot equal an executionId: it binds to none, so it mismatches. */
    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value == null ? null : value instanceof String text ? text : "";
    }

    private static ActorProof failed(IdentityFailure failure) {
        return new ActorProof.Failed(failure);
    }

    /** Nimbus's key selector, telling an algorithm it refuses from a key id it does not hold. */
    private final class NamingKeySelector implements JWSKeySelector<SecurityContext> {

        private final Instant now;

        NamingKeySelector(Instant now) {
            this.now = now;
        }

        @Override
        public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            if (!keySelector.isAllowed(header.getAlgorithm())) {
                throw new NamedKeyFailure(IdentityFailure.ALGORITHM_NOT_ALLOWED);
            }
            List<Key> candidates = JWSAlgorithm.Family.ED.contains(header.getAlgorithm())
                    ? Ed25519Keys.select(header, keys)
                    : keySelector.selectJWSKeys(header, context);
            if (candidates.isEmpty()) {
                // Perhaps the issuer rotated its keys: read them again soon, off this thread.
                keys.requestRefresh(now);
                throw new NamedKeyFailure(IdentityFailure.UNKNOWN_KEY);
            }
            return candidates;
        }
    }

    /** Nimbus's claims checks, one aspect at a time, on the processor's clock. */
    private final class NamingClaimsVerifier implements JWTClaimsSetVerifier<SecurityContext> {

        private final DefaultJWTClaimsVerifier<SecurityContext> validity;
        private final DefaultJWTClaimsVerifier<SecurityContext> issuer;
        private final DefaultJWTClaimsVerifier<SecurityContext> audience;

        NamingClaimsVerifier(Instant now) {
            // A token without an expiry would be good for ever: exp is required.
            validity = new AtClock(now, null, null, Set.of("exp"));
            issuer = new AtClock(
                    now,
                    null,
                    new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                    null);
            audience = new AtClock(now, Set.of(settings.audience()), null, null);
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            try {
                validity.verify(claims, context);
            } catch (ExpiredJWTException e) {
                throw new FailedCheck(IdentityFailure.EXPIRED);
            } catch (BadJWTException e) {
                throw new FailedCheck(
                        claims.getExpirationTime() == null ? IdentityFailure.NO_EXPIRY : IdentityFailure.NOT_YET_VALID);
            }
            check(issuer, claims, IdentityFailure.WRONG_ISSUER);
            check(audience, claims, IdentityFailure.WRONG_AUDIENCE);
        }

        private void check(
                DefaultJWTClaimsVerifier<SecurityContext> verifier, JWTClaimsSet claims, IdentityFailure failure)
                throws FailedCheck {
            try {
                verifier.verify(claims, null);
            } catch (BadJWTException e) {
                throw new FailedCheck(failure);
            }
        }
    }

    /** Nimbus's claims verifier on the processor's clock (every one checks exp and nbf as well). */
    private final class AtClock extends DefaultJWTClaimsVerifier<SecurityContext> {

        private final Date now;

        AtClock(Instant now, Set<String> audience, JWTClaimsSet exactMatch, Set<String> required) {
            super(audience, exactMatch, required, null);
            this.now = Date.from(now);
            setMaxClockSkew(clockSkewSeconds);
        }

        @Override
        protected Date currentTime() {
            return now;
        }
    }

    /** A claims check that failed, named. Carries no claim value, so nothing of the token leaks from it. */
    private static final class FailedCheck extends BadJWTException {

        private final transient IdentityFailure failure;

        FailedCheck(IdentityFailure failure) {
            super(failure.name());
            this.failure = failure;
        }
    }

    /** A key selection that failed, named. */
    private static final class NamedKeyFailure extends KeySourceException {

        private final transient IdentityFailure failure;

        NamedKeyFailure(IdentityFailure failure) {
            super(failure.name());
            this.failure = failure;
        }
    }
}
