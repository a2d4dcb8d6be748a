package io.controlplane.cancel.decision;

/**
 * What the command's signed identity assertion proved of its actor, checked before the decider sees
 * it (the token itself never reaches the rules: only what it proved).
 */
public sealed interface ActorProof {

    /** cancel.identity.mode=trusted: the commands topic's ACLs are the trust boundary; nothing to prove. */
    ActorProof NOT_REQUIRED = new NotRequired();

    /** A command judged again after waiting: its proof was checked when it arrived, or it would not wait. */
    ActorProof CHECKED_ON_ARRIVAL = new CheckedOnArrival();

    record NotRequired() implements ActorProof {}

    record CheckedOnArrival() implements ActorProof {}

    /**
     * A token that verified (signature, algorithm, issuer, audience, validity period), and the claims
     * the rules bind to the command.
     *
     * @param subject      its {@code sub}, or null if it has none
     * @param executionId  its {@code execution_id}, or null if it has none (then it is not bound to one)
     * @param tokenId      its {@code jti}, or null if it has none (then it is not bound to one command)
     */
    record Verified(String subject, String executionId, String tokenId) implements ActorProof {}

    /** The token is missing or did not verify, for this reason. */
    record Failed(IdentityFailure failure) implements ActorProof {}
}
