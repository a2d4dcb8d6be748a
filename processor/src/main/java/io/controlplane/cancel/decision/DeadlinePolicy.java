package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelMode;

/**
 * Who cancels a run whose {@code deadlineAt} passed, and how (cancel.deadline.actor,
 * cancel.deadline.mode).
 *
 * @param actor the cancelledBy of a deadline's cancellation
 * @param mode  FORCE, or GRACEFUL with the default grace
 */
public record DeadlinePolicy(String actor, CancelMode mode) {

    public DeadlinePolicy {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor must not be blank");
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode must be given");
        }
    }
}
