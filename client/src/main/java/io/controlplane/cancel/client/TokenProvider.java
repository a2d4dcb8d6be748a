package io.controlplane.cancel.client;

/**
 * Supplies the signed identity of one command (the processor's {@code cancel.identity.mode=signed}):
 * a JWT whose subject is the actor and whose jti is {@code commandId}, from the service's own signer.
 * The client sends it as {@code authorization: Bearer <JWT>} and never logs it, nor puts it in an
 * exception or outcome.
 */
@FunctionalInterface
public interface TokenProvider {

    /** No token: for a processor in {@code cancel.identity.mode=claimed}. */
    TokenProvider NONE = (executionId, commandId) -> null;

    /**
     * The JWT for the command {@code commandId} on {@code executionId}, or null to send none. For a
     * bulk cancel, and its pause, resume or abort, {@code executionId} is null (a bulk is about no one
     * run) and {@code commandId} is the bulkId, which the token's jti, if it has one, must be.
     */
    String tokenFor(String executionId, String commandId);
}
