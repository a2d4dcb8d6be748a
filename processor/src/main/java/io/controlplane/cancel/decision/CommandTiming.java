package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What a command may ask of time: a graceful cancel's grace (rule 2) and a scheduled one's notBefore (rule 3). */
public final class CommandTiming {

    private CommandTiming() {}

    /**
     * Why the command's timing is invalid, as the end of a sentence, or empty. The horizon is a
     * bound on arrival only: judged at its notBefore, a held command is no longer ahead of anything.
     */
    static Optional<String> problem(CancelCommand command, CancelPolicy.Timing timing, Instant now, Moment moment) {
        Long graceMs = command.getGraceMs();
        if (graceMs != null) {
            if (modeOf(command) != CancelMode.GRACEFUL) {
                return Optional.of("its graceMs is set, but its mode is " + modeOf(command)
                        + ", which does not wait for the run to stop");
            }
            if (graceMs < 0) {
                return Optional.of("its graceMs is " + graceMs + ", which is negative");
            }
            if (graceMs > timing.gracefulMaxTimeout().toMillis()) {
                return Optional.of("its graceMs is " + graceMs + ", longer than the longest grace allowed ("
                        + timing.gracefulMaxTimeout().toMillis() + " ms)");
            }
        }
        Instant notBefore = command.getNotBefore();
        if (moment == Moment.ARRIVED && notBefore != null && notBefore.isAfter(now.plus(timing.scheduleMaxHorizon()))) {
            return Optional.of("its notBefore " + notBefore + " is more than "
                    + timing.scheduleMaxHorizon().toMillis() + " ms ahead");
        }
        return Optional.empty();
    }

    /** A command's mode: FORCE when it has none (a producer of this schema that left the field out). */
    public static CancelMode modeOf(CancelCommand command) {
        return command.getMode() == null ? CancelMode.FORCE : command.getMode();
    }

    /** Whether a command that has just arrived is to be held until its notBefore. */
    static boolean isForLater(CancelCommand command, Instant now) {
        return command.getNotBefore() != null && command.getNotBefore().isAfter(now);
    }

    /** How long a GRACEFUL command lets its run take to stop: its own graceMs, or the default. */
    public static Duration grace(CancelCommand command, CancelPolicy.Timing timing) {
        return command.getGraceMs() == null ? timing.gracefulTimeout() : Duration.ofMillis(command.getGraceMs());
    }
}
