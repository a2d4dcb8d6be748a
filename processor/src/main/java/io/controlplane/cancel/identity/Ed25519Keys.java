package io.controlplane.cancel.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.security.Key;
import java.security.PublicKey;
import java.util.List;

/**
 * EdDSA (Ed25519) through Nimbus's JWT processor. Its key selector and verifier factory handle RSA
 * and EC keys as {@code java.security} keys only, and an Ed25519 JWK has none: so the JWK is carried
 * from the selection to Nimbus's own {@link Ed25519Verifier} in a {@link PublicKey} envelope.
 */
final class Ed25519Keys {

    private Ed25519Keys() {}

    /** The Ed25519 keys of the set that the header may name, as Nimbus's own JWKMatcher finds them. */
    static List<Key> select(JWSHeader header, JwksCache keys) {
        JWKMatcher matcher = new JWKMatcher.Builder()
                .keyType(KeyType.OKP)
                .curve(Curve.Ed25519)
                .keyID(header.getKeyID())
                .keyUses(KeyUse.SIGNATURE, null)
                .algorithms(header.getAlgorithm(), null)
                .publicOnly(true)
                .build();
        return keys.get(new JWKSelector(matcher), null).stream()
                .map(jwk -> (Key) new Envelope(jwk.toOctetKeyPair()))
                .toList();
    }

    /** Nimbus's verifier factory, which also opens the envelope. */
    static final class VerifierFactory extends DefaultJWSVerifierFactory {

        @Override
        public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
            if (key instanceof Envelope envelope) {
                return new Ed25519Verifier(envelope.jwk());
            }
            return super.createJWSVerifier(header, key);
        }
    }

    /** Not a key Java can use: only the factory above ever sees it. */
    private record Envelope(OctetKeyPair jwk) implements PublicKey {

        @Override
        public String getAlgorithm() {
            return "Ed25519";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }
}
