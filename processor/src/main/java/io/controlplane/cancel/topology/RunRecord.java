package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.state.DecidedCommand;
import io.controlplane.cancel.state.ExecutionRecord;
import io.controlplane.cancel.state.GracefulCancel;
import io.controlplane.cancel.state.HeldCommand;
import io.controlplane.cancel.state.WaitingCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the processor keeps about one execution ({@link ExecutionRecord}), with the operations
 * the processor needs on it. One get and at most one put per input record: the processor loads it,
 * changes it here, and writes it back once.
 */
final class RunRecord {

    /**
     * The most decided commands one run remembers within the dedup retention. Past it the oldest is
     * forgotten: its repeat is judged again, which can never cancel the run a second time (the
     * run's cancellation is kept for good), only be rejected again. A run sees a handful of
     * commands; this only bounds what a flood of distinct commandIds can make one record hold.
     */
    static final int MAX_DECIDED = 64;

    private final ExecutionRecord value;
    private final boolean stored;

    private RunRecord(ExecutionRecord value, boolean stored) {
        this.value = value;
        this.stored = stored;
    }

    /** A run the store holds nothing about yet. */
    static RunRecord empty() {
        return new RunRecord(
                new ExecutionRecord(
                        new ArrayList<>(),
                        null,
                        null,
                        new ArrayList<>(),
                        null,
                        new ArrayList<>(),
                        new ArrayList<>(),
                        new ArrayList<>()),
                false);
    }

    /** A run as the store holds it. */
    static RunRecord loaded(ExecutionRecord value) {
        return new RunRecord(value, true);
    }

    /** Whether the store held it when it was loaded (so that deleting it needs a tombstone). */
    boolean wasStored() {
        return stored;
    }

    ExecutionRecord value() {
        return value;
    }

    RunState upstream() {
        return value.getUpstream();
    }

    void upstream(RunState state) {
        value.setUpstream(state);
    }

    RunStateChange cancellation() {
        return value.getCancellation();
    }

    void cancellation(RunStateChange change) {
        value.setCancellation(change);
    }

    /**
     * Whether this actor's command with this id was decided on this run within the retention.
     * Looks both ways from {@code nowMs}, so that a clock stepped back does not forget a decision.
     */
    boolean decided(String actorId, String commandId, long nowMs, long retentionMs) {
        String actor = orNone(actorId);
        for (DecidedCommand decided : value.getDecided()) {
            if (decided.getCommandId().equals(commandId)
                    && decided.getCancelledBy().equals(actor)
                    && Math.abs(nowMs - decided.getDecidedAtMs()) <= retentionMs) {
                return true;
            }
        }
        return false;
    }

    /** Remembers a decision, dropping those past the retention and, past {@link #MAX_DECIDED}, the oldest. */
    void addDecided(String actorId, String commandId, long nowMs, long retentionMs) {
        List<DecidedCommand> decided = value.getDecided();
        trimDecided(nowMs, retentionMs);
        while (decided.size() >= MAX_DECIDED) {
            decided.remove(0);
        }
        decided.add(new DecidedCommand(orNone(actorId), commandId, nowMs));
    }

    /** An invalid command may name no actor; it is remembered as the empty one. */
    private static String orNone(String actorId) {
        return actorId == null ? "" : actorId;
    }

    /** Forgets the decisions past the retention; whether any were. */
    boolean trimDecided(long nowMs, long retentionMs) {
        // by index: the lists Avro decodes into do not remove through their iterators
        List<DecidedCommand> decided = value.getDecided();
        boolean trimmed = false;
        for (int i = decided.size() - 1; i >= 0; i--) {
            if (Math.abs(nowMs - decided.get(i).getDecidedAtMs()) > retentionMs) {
                decided.remove(i);
                trimmed = true;
            }
        }
        return trimmed;
    }

    /** When the newest remembered decision is forgotten; meaningful only when there is one. */
    long decisionsForgottenAtMs(long retentionMs) {
        long newest = Long.MIN_VALUE;
        for (DecidedCommand decided : value.getDecided()) {
            newest = Math.max(newest, decided.getDecidedAtMs());
        }
        return newest + retentionMs + 1;
    }

    boolean hasWaiting() {
        return !value.getWaiting().isEmpty();
    }

    /** Whether this actor's command with this id is kept here for later: waiting for the run, or held. */
    boolean waiting(String actorId, String commandId) {
        for (WaitingCommand waiting : value.getWaiting()) {
            if (isCommand(waiting.getCommand(), actorId, commandId)) {
                return true;
            }
        }
        for (HeldCommand held : value.getHeld()) {
            if (isCommand(held.getCommand(), actorId, commandId)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCommand(CancelCommand command, String actorId, String commandId) {
        return command.getCommandId().equals(commandId)
                && command.getCancelledBy().equals(actorId);
    }

    void addWaiting(CancelCommand command, long deadlineMs) {
        value.getWaiting().add(new WaitingCommand(command, deadlineMs));
    }

    /** The waiting commands, oldest first, as they are now (a copy: judging them removes some). */
    List<WaitingCommand> waitingCommands() {
        return new ArrayList<>(value.getWaiting());
    }

    void removeWaiting(WaitingCommand decided) {
        List<WaitingCommand> waiting = value.getWaiting();
        waiting.remove(waiting.indexOf(decided)); // by index: see trimDecided
    }

    /** The graceful cancel going on, or null. */
    GracefulCancel cancelling() {
        return value.getCancelling();
    }

    /** The CANCELLING record of the graceful cancel going on, or null. */
    RunStateChange cancellingChange() {
        return value.getCancelling() == null ? null : value.getCancelling().getChange();
    }

    void cancelling(RunStateChange change, long escalateAtMs) {
        value.setCancelling(new GracefulCancel(change, escalateAtMs));
    }

    void stopCancelling() {
        value.setCancelling(null);
    }

    void hold(CancelCommand command, long fireAtMs) {
        value.getHeld().add(new HeldCommand(command, fireAtMs));
    }

    /** Takes the held commands due at or before {@code nowMs} out of the record, oldest first. */
    List<HeldCommand> takeHeldDue(long nowMs) {
        List<HeldCommand> held = value.getHeld();
        List<HeldCommand> due = new ArrayList<>();
        for (int i = 0; i < held.size(); ) { // by index: see trimDecided
            if (held.get(i).getFireAtMs() <= nowMs) {
                due.add(held.remove(i));
            } else {
                i++;
            }
        }
        return due;
    }

    List<HeldCommand> held() {
        return value.getHeld();
    }

    List<String> children() {
        return value.getChildren();
    }

    /** @return whether it is a new child */
    boolean addChild(String childId) {
        if (value.getChildren().contains(childId)) {
            return false;
        }
        value.getChildren().add(childId);
        return true;
    }

    /** Whether a cascade in this tenant, graceful or forced as {@code cause}, passed through this run already. */
    boolean passed(RunStateChange cause) {
        for (RunStateChange pass : value.getPasses()) {
            if (pass.getTenantId().equals(cause.getTenantId()) && pass.getStatus() == cause.getStatus()) {
                return true;
            }
        }
        return false;
    }

    void addPass(RunStateChange cause) {
        value.getPasses().add(cause);
    }

    List<RunStateChange> passes() {
        return value.getPasses();
    }

    /**
     * Whether only remembered decisions keep this record: no run, no cancellation, nothing waiting,
     * stopping or held, no cascade data. Such a record is deleted once its decisions are past the retention.
     */
    boolean keptOnlyForDedup() {
        return value.getUpstream() == null
                && value.getCancellation() == null
                && value.getWaiting().isEmpty()
                && value.getCancelling() == null
                && value.getHeld().isEmpty()
                && value.getChildren().isEmpty()
                && value.getPasses().isEmpty();
    }

    /** Whether nothing at all is left to keep. */
    boolean isEmpty() {
        return keptOnlyForDedup() && value.getDecided().isEmpty();
    }
}
