package io.controlplane.cancel.decision;

/** Why a command's identity is not proven: each names one failed check, and nothing of the token. */
public enum IdentityFailure {
    MISSING_AUTHORIZATION("it has no 'authorization' header"),
    MALFORMED_AUTHORIZATION("its 'authorization' header is not 'Bearer ' and a signed JWT"),
    ALGORITHM_NOT_ALLOWED("its token's algorithm is not allowed"),
    UNKNOWN_KEY("its token names a key that is not in the issuer's key set"),
    BAD_SIGNATURE("its token's signature does not verify"),
    NO_EXPIRY("its token has no expiry (exp)"),
    EXPIRED("its token has expired"),
    NOT_YET_VALID("its token is not valid yet (nbf)"),
    WRONG_ISSUER("its token is from another issuer"),
    WRONG_AUDIENCE("its token is meant for another audience"),
    ACTOR_MISMATCH("its token's subject is not its cancelledBy"),
    EXECUTION_MISMATCH("its token is bound to another execution"),
    TOKEN_ID_MISMATCH("its token's id (jti) is not its commandId");

    private final String sentence;

    IdentityFailure(String sentence) {
        this.sentence = sentence;
    }

    /** The failure as the end of a sentence. */
    String sentence() {
        return sentence;
    }
}
