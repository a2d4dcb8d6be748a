package io.controlplane.cancel.decision;

import java.time.Duration;

/**
 * The configurable part of the rules.
 *
 * @param requiredRole  the role an actor's grant must hold (the contract's {@code policy.auth})
 * @param notFoundGrace how long a command may wait for its run's state; zero = no wait
 */
public record CancelPolicy(String requiredRole, Duration notFoundGrace) {

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
        if (notFoundGrace == null || notFoundGrace.isNegative()) {
            throw new IllegalArgumentException("notFoundGrace must be zero or more");
        }
    }

    /** A command may wait for its run only while there is a grace to wait in, and never past it. */
    boolean mayWait(Moment moment) {
        return !notFoundGrace.isZero() && moment != Moment.GRACE_EXPIRED;
    }
}
