package io.controlplane.cancel.decision;

/**
 * The configurable part of the rules.
 *
 * @param requiredRole the role an actor's grant must hold (the contract's {@code policy.auth})
 */
public record CancelPolicy(String requiredRole) {

    /** The contract's input allows a free-text reason; this bounds what one command may carry. */
    public static final int MAX_REASON_LENGTH = 1024;

    /** Ids (and the record key and trace id) are names, not documents; this also bounds every rejection's size. */
    public static final int MAX_ID_LENGTH = 256;

    /** In a grant's tenant list: every tenant. */
    public static final String ANY_TENANT = "*";

    public CancelPolicy {
        if (requiredRole == null || requiredRole.isBlank()) {
            throw new IllegalArgumentException("requiredRole must not be blank");
        }
    }
}
