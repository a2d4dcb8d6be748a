package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import java.util.Objects;

/**
 * What {@link RunStateChanges} hands its listener: one outcome the processor wrote, typed. A run's
 * cancellation is a {@link Cancelled} (a cascade writes one for each child run too), a graceful
 * cancel that began is a {@link Cancelling} (its {@code Cancelled} follows), and a refused command is
 * a {@link Rejected}.
 *
 * <p>Delivery is at least once: the same event can come again after a restart or a rebalance, so
 * handle it idempotently, by {@link #commandId()} and {@link #executionId()}.
 */
public sealed interface RunStateEvent {

    /** The run the event is about (a rejection of a command without one: null). */
    String executionId();

    /** The command that caused it (for a cascaded cancellation: the parent's command). */
    String commandId();

    /** The run is CANCELLED: terminal, at most once per run. */
    record Cancelled(RunStateChange change) implements RunStateEvent {

        public Cancelled {
            Objects.requireNonNull(change, "change");
        }

        @Override
        public String executionId() {
            return change.getExecutionId();
        }

        @Override
        public String commandId() {
            return change.getCommandId();
        }

        /** True when the processor forced a run whose graceful cancel's grace ended (or a FORCE came). */
        public boolean escalated() {
            return change.getEscalated();
        }
    }

    /** A graceful cancel began: the run was asked to stop; its {@link Cancelled} follows. */
    record Cancelling(RunStateChange change) implements RunStateEvent {

        public Cancelling {
            Objects.requireNonNull(change, "change");
        }

        @Override
        public String executionId() {
            return change.getExecutionId();
        }

        @Override
        public String commandId() {
            return change.getCommandId();
        }
    }

    /** The processor refused a command; the rejection says why (its code and one sentence). */
    record Rejected(CancelRejection rejection) implements RunStateEvent {

        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }

        @Override
        public String executionId() {
            return rejection.getExecutionId();
        }

        @Override
        public String commandId() {
            return rejection.getCommandId();
        }
    }
}
