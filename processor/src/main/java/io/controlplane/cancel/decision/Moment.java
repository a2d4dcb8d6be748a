package io.controlplane.cancel.decision;

/** When a command is judged: each moment allows different things. */
public enum Moment {
    /** It has just arrived: it may be a repeat, and it may wait for its run if the grace allows. */
    ARRIVED,
    /** It was waiting and its run's state changed: it may wait on (its run may still be invisible). */
    RUN_STATE_CHANGED,
    /** Its grace ran out: it is judged a last time and may wait no more. */
    GRACE_EXPIRED
}
