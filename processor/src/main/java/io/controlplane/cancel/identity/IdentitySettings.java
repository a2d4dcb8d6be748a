package io.controlplane.cancel.identity;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How signed commands are verified.
 *
 * @param jwksUrl     where the issuer's public keys are, {@code https:} or {@code file:}
 * @param refresh     how often the keys are read again in the background
 * @param algorithms  the signature algorithms accepted; never {@code none}, never an HMAC
 * @param issuer      the {@code iss} every token must have
 * @param audience    a value every token's {@code aud} must contain
 * @param clockSkew   how far {@code exp} and {@code nbf} may be off the processor's clock
 */
public record IdentitySettings(
        URI jwksUrl,
        Duration refresh,
        Set<JWSAlgorithm> algorithms,
        String issuer,
        String audience,
        Duration clockSkew) {

    public IdentitySettings {
        if (jwksUrl == null
                || !("https".equalsIgnoreCase(jwksUrl.getScheme()) || "file".equalsIgnoreCase(jwksUrl.getScheme()))) {
            throw new IllegalArgumentException(
                    "the JWKS URL must be an https: or a file: URL, but is '" + jwksUrl + "'");
        }
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("an issuer is required: a token from any issuer would otherwise do");
        }
        algorithms = Set.copyOf(algorithms);
        algorithms.forEach(IdentitySettings::checkAllowed);
    }

    /** The names as configured, each parsed, in order; refuses {@code none} and every HMAC. */
    public static Set<JWSAlgorithm> algorithms(List<String> names) {
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (String name : names) {
            algorithms.add(checkAllowed(JWSAlgorithm.parse(name.trim())));
        }
        return algorithms;
    }

    /**
     * {@code none} proves nothing, and an HMAC key is a shared secret: whoever verifies can sign, and
     * a public key's bytes used as one let anyone sign (the classic algorithm-confusion attack).
     */
    private static JWSAlgorithm checkAllowed(JWSAlgorithm algorithm) {
        if (Algorithm.NONE.getName().equals(algorithm.getName()) || JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
            throw new IllegalArgumentException(
                    "algorithm " + algorithm + " is never accepted: only public-key " + "signatures prove an actor");
        }
        if (!JWSAlgorithm.Family.SIGNATURE.contains(algorithm)) {
            throw new IllegalArgumentException("algorithm " + algorithm + " is not a signature algorithm Nimbus knows");
        }
        return algorithm;
    }
}
