package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.decision.Ids;
import io.controlplane.cancel.decision.RunStatuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What became of one cancel command that may go on over time (GRACEFUL), from what {@code cancel}
 * reads after sending it: its outcome (a rejection, a CANCELLED, or a CANCELLING), then, for a
 * CANCELLING, how the graceful cancel ended. That is the run's CANCELLED (upstream confirmed, its
 * grace ended, or another command forced it: it may carry another commandId), or upstream's report
 * that the run ended otherwise (COMPLETED, FAILED, ABORTED) after the CANCELLING, when the processor
 * writes nothing more. No I/O: {@code cancel} feeds it and prints what it says.
 */
final class CancelFollow {

    /** A line to print; with an exit code when it is the last. */
    record Step(String line, OptionalInt exitCode) {

        static Step progress(String line) {
            return new Step(line, OptionalInt.empty());
        }

        static Step last(String line, int exitCode) {
            return new Step(line, OptionalInt.of(exitCode));
        }
    }

    private final String executionId;
    private final String commandId;
    /** The CANCELLING this command made, once read. */
    private RunStateChange cancelling;
    /** The run's states upstream wrote since just before the command was sent, in their order. */
    private final List<OutcomeReader.RunStateSeen> states = new ArrayList<>();

    CancelFollow(String executionId, String commandId) {
        this.executionId = executionId;
        this.commandId = commandId;
    }

    /** The CANCELLING this command made, or null while none was read. */
    RunStateChange cancelling() {
        return cancelling;
    }

    /** What to print on reading {@code seen}, if anything. */
    Optional<Step> seen(OutcomeReader.Seen seen) {
        if (seen instanceof OutcomeReader.Changed changed) {
            return changed(changed.change());
        }
        if (seen instanceof OutcomeReader.Rejected rejected) {
            if (cancelling == null && commandId.equals(rejected.rejection().getCommandId())) {
                return Optional.of(Step.last(
                        CancelExecutionCommand.rejected(rejected.rejection()), CancelExecutionCommand.REJECTED));
            }
            return Optional.empty();
        }
        if (seen instanceof OutcomeReader.RunStateSeen state) {
            states.add(state);
        }
        return Optional.empty();
    }

    private Optional<Step> changed(RunStateChange change) {
        if (!executionId.equals(change.getExecutionId())) {
            return Optional.empty();
        }
        boolean ours = commandId.equals(change.getCommandId());
        if (cancelling == null) {
            if (ours && change.getStatus() == RunStatus.CANCELLING) {
                cancelling = change;
                return Optional.of(Step.progress(CancelExecutionCommand.changeLine(change)));
            }
            if (ours && change.getStatus() == RunStatus.CANCELLED) {
                return Optional.of(
                        Step.last(CancelExecutionCommand.changeLine(change), CancelExecutionCommand.CANCELLED));
            }
            return Optional.empty();
        }
        if (change.getStatus() != RunStatus.CANCELLED) {
            return Optional.empty();
        }
        return Optional.of(
                Step.last(CancelExecutionCommand.changeLine(change) + how(change), CancelExecutionCommand.CANCELLED));
    }

    /** How the graceful cancel ended in {@code cancelled} (whose line says {@code escalated} when it was forced). */
    private String how(RunStateChange cancelled) {
        if (!commandId.equals(cancelled.getCommandId())) {
            return ": forced by another command before it stopped";
        }
        return cancelled.getEscalated()
                ? ": forced, as it had not stopped when its grace ended"
                : ": gracefully, upstream confirmed it stopped";
    }

    /**
     * Upstream's report that ended the graceful cancel otherwise, if the processor took it: a
     * terminal status other than CANCELLED, newer than the state the CANCELLING replaced and than
     * every state of the run before it (the processor ignores a state not newer than the one it
     * holds, and any after a terminal one). Its offset is in the run's run-states partition.
     */
    Optional<OutcomeReader.RunStateSeen> endedOtherwise() {
        if (cancelling == null) {
            return Optional.empty();
        }
        long held = cancelling.getVersion() - 1;
        for (OutcomeReader.RunStateSeen seen : states) {
            RunState state = seen.state();
            if (state == null) {
                held = Long.MIN_VALUE; // deleted: the next state is taken whatever its version
                continue;
            }
            if (state.getVersion() <= held) {
                continue;
            }
            held = state.getVersion();
            if (RunStatuses.isTerminal(state.getStatus())) {
                // upstream's CANCELLED confirms: the processor writes the run's CANCELLED, read as such
                return state.getStatus() == RunStatus.CANCELLED ? Optional.empty() : Optional.of(seen);
            }
        }
        return Optional.empty();
    }

    /** The last line when {@code ended} (from {@link #endedOtherwise}) ended the run and the processor wrote no CANCELLED. */
    Step endedOtherwise(OutcomeReader.RunStateSeen ended) {
        return Step.last(
                "ENDED " + Ids.quote(executionId) + " " + ended.state().getStatus() + " (upstream, version "
                        + ended.state().getVersion() + ") while CANCELLING: it ended before it stopped as asked, "
                        + "and was not cancelled (command " + Ids.quote(commandId) + ")",
                CancelExecutionCommand.ENDED_OTHERWISE);
    }
}
