package io.controlplane.cancel.decision;

/** When a command is judged: each moment allows different things. */
public enum Moment {
    /** It has just arrived: it may be a repeat, it may be held for its notBefore, and it may wait for its run. */
    ARRIVED,
    /**
     * Its notBefore came: it is judged as if it arrived now (it may wait for its run), except for
     * what was checked when it did arrive: its actor's proof and whether it repeated another.
     */
    SCHEDULED_TIME,
    /** It was waiting and its run's state changed: it may wait on (its run may still be invisible). */
    RUN_STATE_CHANGED,
    /** Its grace ran out: it is judged a last time and may wait no more. */
    GRACE_EXPIRED
}
