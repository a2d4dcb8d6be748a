package io.controlplane.cancel.decision;

import java.time.Duration;

/**
 * The configurable part of the rules.
 *
 * @param requiredRole  the role an actor's grant must hold (the contract's {@code policy.auth})
 * @param notFoundGrace how long a command may wait for its run's state; zero = no wait
 * @param timing        the bounds of graceful and scheduled cancels
 */
public record CancelPolicy(String requiredRole, Duration notFoundGrace, Timing timing) {

    /** The contract's input allows a free-text reason; this bounds what one command may carry. */
    public static final int MAX_REASON_LENGTH = 1024;

    /** Ids (and the record key and trace id) are names, not documents; this also bounds every rejection's size. */
    public static final int MAX_ID_LENGTH = 256;

    /** In a grant's tenant list: every tenant. */
    public static final String ANY_TENANT = "*";

    /**
     * @param gracefulTimeout    a GRACEFUL cancel's grace when its command names none
     * @param gracefulMaxTimeout the longest grace a command may name
     * @param scheduleMaxHorizon how far ahead a command's notBefore may be
     */
    public record Timing(Duration gracefulTimeout, Duration gracefulMaxTimeout, Duration scheduleMaxHorizon) {

        /** cancel.graceful.timeout.ms, cancel.graceful.max-timeout.ms, cancel.schedule.max-horizon.ms by default. */
        public static final Timing DEFAULTS =
                new Timing(Duration.ofMinutes(5), Duration.ofHours(24), Duration.ofDays(30));

        public Timing {
            if (gracefulTimeout == null || gracefulMaxTimeout == null || scheduleMaxHorizon == null) {
                throw new IllegalArgumentException("every bound must be given");
            }
            if (gracefulTimeout.isNegative() || scheduleMaxHorizon.isNegative()) {
                throw new IllegalArgumentException("bounds must be zero or more");
            }
            if (gracefulTimeout.compareTo(gracefulMaxTimeout) > 0) {
                throw new IllegalArgumentException("the default grace must not be longer than the longest");
            }
        }
    }

    public CancelPolicy {
        if (requiredRole == null || requiredRole.isBlank()) {
            throw new IllegalArgumentException("requiredRole must not be blank");
        }
        if (notFoundGrace == null || notFoundGrace.isNegative()) {
            throw new IllegalArgumentException("notFoundGrace must be zero or more");
        }
        if (timing == null) {
            throw new IllegalArgumentException("timing must be given");
        }
    }

    /** With the default bounds of graceful and scheduled cancels. */
    public CancelPolicy(String requiredRole, Duration notFoundGrace) {
        this(requiredRole, notFoundGrace, Timing.DEFAULTS);
    }

    /** A command may wait for its run only while there is a grace to wait in, and never past it. */
    boolean mayWait(Moment moment) {
        return !notFoundGrace.isZero() && moment != Moment.GRACE_EXPIRED;
    }
}
