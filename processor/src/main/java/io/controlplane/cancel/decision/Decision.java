package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a cancel command can come to: nothing else may happen to it. Code that acts on a
 * decision does so through a {@link Visitor} (or, for the decisions that produce a record, an
 * {@link Outcome.Visitor}), so that a new kind of decision fails to compile until every sink and
 * metric handles it.
 */
public sealed interface Decision {

    <R> R accept(Visitor<R> visitor);

    /** One method per kind of decision. */
    interface Visitor<R> {

        R cancel(Cancel cancel);

        R reject(Reject reject);

        R waitForRun(Wait wait);

        R duplicate(Duplicate duplicate);

        R cancelling(Cancelling cancelling);

        R hold(Hold hold);

        R alreadyCancelling(AlreadyCancelling alreadyCancelling);
    }

    /** A decision that produces a record for subscribers. */
    sealed interface Outcome extends Decision {

        <R> R accept(Outcome.Visitor<R> visitor);

        /** One method per kind of outcome record. */
        interface Visitor<R> {

            R cancelled(RunStateChange change);

            R rejected(CancelRejection rejection);

            R cancelling(RunStateChange change);
        }
    }

    /**
     * A graceful cancel begins: emit this CANCELLING record (the executor is asked to stop), and force
     * the run when {@code grace} has passed unless it has ended by then.
     */
    record Cancelling(RunStateChange change, Duration grace) implements Outcome {

        @Override
        public <R> R accept(Decision.Visitor<R> visitor) {
            return visitor.cancelling(this);
        }

        @Override
        public <R> R accept(Outcome.Visitor<R> visitor) {
            return visitor.cancelling(change);
        }
    }

    /**
     * The command passed every check that does not depend on its run and names a notBefore ahead:
     * keep it, and judge it then as if it arrived then.
     */
    record Hold(Instant notBefore) implements Decision {

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.hold(this);
        }
    }

    /**
     * A GRACEFUL command for a run that is being cancelled gracefully already: it produces nothing
     * (the run's own grace goes on), and is counted.
     */
    record AlreadyCancelling() implements Decision {

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.alreadyCancelling(this);
        }
    }

    /** The run is cancelled: emit exactly this terminal record. */
    record Cancel(RunStateChange change) implements Outcome {

        @Override
        public <R> R accept(Decision.Visitor<R> visitor) {
            return visitor.cancel(this);
        }

        @Override
        public <R> R accept(Outcome.Visitor<R> visitor) {
            return visitor.cancelled(change);
        }
    }

    /**
     * The command is refused, for the reason the rejection states.
     *
     * @param actorUnproven whether it was refused because its actor's identity is not proven: such a
     *                      refusal is not that actor's decision, so it must not make the actor's own
     *                      command with the same id a repeat (a forger could pre-empt it that way)
     */
    record Reject(CancelRejection rejection, boolean actorUnproven) implements Outcome {

        public Reject(CancelRejection rejection) {
            this(rejection, false);
        }

        @Override
        public <R> R accept(Decision.Visitor<R> visitor) {
            return visitor.reject(this);
        }

        @Override
        public <R> R accept(Outcome.Visitor<R> visitor) {
            return visitor.rejected(rejection);
        }
    }

    /** No visible run state yet: keep the command until one arrives or its grace runs out. */
    record Wait() implements Decision {

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.waitForRun(this);
        }
    }

    /** The command id was decided (or is waiting) already: produce nothing more. */
    record Duplicate() implements Decision {

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.duplicate(this);
        }
    }
}
