package io.controlplane.cancel.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer token the query endpoint requires. Compared in constant time, of SHA-256 digests so
 * that not even the token's length shows in the time an answer takes.
 */
final class QueryToken {

    /** Longer Authorization headers are refused without being looked at. */
    static final int MAX_HEADER_LENGTH = 4096;

    private static final String BEARER = "bearer ";

    private final byte[] digest;

    QueryToken(String token) {
        this.digest = sha256(token);
    }

    /**
     * The answer to a query that is not let through: 404 while no token is set (the queries are off,
     * as they show tenant data), 401 without this token; empty when the query may go on.
     */
    static Optional<Reply> refusal(Optional<QueryToken> token, String authorization) {
        if (token.isEmpty()) {
            return Optional.of(Reply.json(404, Map.of("error", "query endpoint disabled")));
        }
        if (!token.get().admits(authorization)) {
            return Optional.of(Reply.json(401, Map.of("error", "unauthorized")));
        }
        return Optional.empty();
    }

    /** Whether {@code authorization} (an Authorization header, or null) is {@code Bearer <this token>}. */
    boolean admits(String authorization) {
        if (authorization == null
                || authorization.length() > MAX_HEADER_LENGTH
                || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return false;
        }
        return MessageDigest.isEqual(
                digest, sha256(authorization.substring(BEARER.length()).trim()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Never the token itself. */
    @Override
    public String toString() {
        return "QueryToken[hidden]";
    }
}
