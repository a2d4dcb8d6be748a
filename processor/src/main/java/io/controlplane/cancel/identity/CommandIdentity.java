package io.controlplane.cancel.identity;

import io.controlplane.cancel.config.CommandHeaders;
import io.controlplane.cancel.decision.ActorProof;
import java.time.Instant;

/** What a command's {@code authorization} header proves of its actor. */
public interface CommandIdentity {

    /** The record header that carries the signed identity assertion, as HTTP carries it. */
    String AUTHORIZATION_HEADER = CommandHeaders.AUTHORIZATION;

    /** cancel.identity.mode=trusted: the header is not read; the commands topic's ACLs are the trust boundary. */
    CommandIdentity TRUSTED = (authorization, now) -> ActorProof.NOT_REQUIRED;

    /**
     * @param authorization the header's value, or null if the record has none
     * @param now           the processor's clock
     */
    ActorProof prove(String authorization, Instant now);
}
