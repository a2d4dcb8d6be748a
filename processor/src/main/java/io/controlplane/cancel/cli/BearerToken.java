package io.controlplane.cancel.cli;

import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.util.Optional;

/**
 * An actor's token as the operator commands send it ({@code --token JWT}, signed mode): in the
 * {@code authorization: Bearer <JWT>} header, never printed; its {@code jti}, if any, names what the
 * command is about (a cancel's commandId, a bulk's bulkId), as the processor requires.
 */
final class BearerToken {

    private static final String BEARER = "Bearer ";

    private BearerToken() {}

    /** The JWT itself, without a {@code Bearer} the operator may have put before it; null for none. */
    static String jwt(String token) {
        if (token == null) {
            return null;
        }
        return token.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? token.substring(BEARER.length()).trim()
                : token.trim();
    }

    /** The token's jti, if it is a JWT that has one. */
    static Optional<String> tokenId(String token) {
        if (token == null) {
            return Optional.empty();
        }
        try {
            String jti = JWTParser.parse(jwt(token)).getJWTClaimsSet().getJWTID();
            return jti == null || jti.isBlank() ? Optional.empty() : Optional.of(jti);
        } catch (ParseException e) {
            // a token that does not parse is the processor's to refuse (UNAUTHORIZED), with its reason
            return Optional.empty();
        }
    }
}
