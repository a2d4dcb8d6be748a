package io.controlplane.cancel.metrics;

import io.controlplane.cancel.avro.RejectionCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing a task counts: a decision's outcome (with its rejection code), what the cascade did
 * to a descendant, or a run a bulk cancel cancelled. Each is counted once, by its task, in Kafka Streams' registry: the sensor {@link
 * #sensor()} of the group {@code stream-cancel-processor-metrics}, whose {@code <sensor>-total} every
 * other view reads.
 *
 * @param code the rejection's code for {@link Kind#REJECTED}, else null
 */
public record Outcome(Kind kind, RejectionCode code) {

    public enum Kind {
        /** A command cancelled its run. */
        CANCELLED,
        /** A GRACEFUL command asked its run to stop (CANCELLING written). */
        CANCELLING,
        /** A GRACEFUL command came for a run stopping gracefully already: nothing written. */
        ALREADY_CANCELLING,
        /** A command with a notBefore ahead was checked and held until then. */
        SCHEDULED,
        /** A command was rejected, for {@link #code()}. */
        REJECTED,
        /** A command began to wait for its run's state. */
        WAITING,
        /** A command already decided (or already waiting) came again and produced nothing. */
        DUPLICATE,
        /** A run state not newer than the one held was ignored. */
        RUN_STATE_IGNORED,
        /** A descendant was cancelled because its parent was. */
        CASCADE_CANCELLED,
        /** A descendant was asked to stop gracefully because its parent was. */
        CASCADE_CANCELLING,
        /** A descendant had ended already: passed through, never rejected. */
        CASCADE_SKIPPED_TERMINAL,
        /** A descendant in another tenant than the cancelled run: left alone, passed through. */
        CASCADE_SKIPPED_OTHER_TENANT,
        /** A bulk cancel cancelled a run (not counted for a dry run, which cancels nothing). */
        BULK_CANCELLED,
        /** Upstream reported CANCELLED for a run stopping gracefully: its CANCELLED written, not escalated. */
        GRACEFUL_CONFIRMED,
        /** A run stopping gracefully was forced (its grace ended, a FORCE command, bulk or cascade came). */
        GRACEFUL_ESCALATED,
        /** Upstream reported another terminal status for a run stopping gracefully: nothing more written. */
        GRACEFUL_ENDED_OTHERWISE,
        /** A held command's notBefore came and it was judged. */
        SCHEDULED_FIRED,
        /** A run's deadline passed with the run not ended, and the processor cancelled it. */
        DEADLINE_FIRED
    }

    public Outcome {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.REJECTED) != (code != null)) {
            throw new IllegalArgumentException("a rejection, and only a rejection, has a code: " + kind + " " + code);
        }
    }

    public static Outcome of(Kind kind) {
        return new Outcome(kind, null);
    }

    public static Outcome rejected(RejectionCode code) {
        return new Outcome(Kind.REJECTED, Objects.requireNonNull(code, "code"));
    }

    /** What a command or a run state is decided as: each kind, a rejection once per code. */
    public static List<Outcome> decisions() {
        List<Outcome> decisions = new ArrayList<>();
        decisions.add(of(Kind.CANCELLED));
        decisions.add(of(Kind.CANCELLING));
        decisions.add(of(Kind.ALREADY_CANCELLING));
        decisions.add(of(Kind.SCHEDULED));
        for (RejectionCode code : RejectionCode.values()) {
            decisions.add(rejected(code));
        }
        decisions.add(of(Kind.WAITING));
        decisions.add(of(Kind.DUPLICATE));
        decisions.add(of(Kind.RUN_STATE_IGNORED));
        return List.copyOf(decisions);
    }

    /** What the cascade does to a descendant it reaches for the first time. */
    public static List<Outcome> cascade() {
        return List.of(
                of(Kind.CASCADE_CANCELLED),
                of(Kind.CASCADE_CANCELLING),
                of(Kind.CASCADE_SKIPPED_TERMINAL),
                of(Kind.CASCADE_SKIPPED_OTHER_TENANT));
    }

    /** What a bulk cancel does to a run that it counts here: it cancels it. */
    public static List<Outcome> bulk() {
        return List.of(of(Kind.BULK_CANCELLED));
    }

    /** What cancellation over time does when it ends or fires: graceful cancels' ends, schedules, deadlines. */
    public static List<Outcome> overTime() {
        return List.of(
                of(Kind.GRACEFUL_CONFIRMED),
                of(Kind.GRACEFUL_ESCALATED),
                of(Kind.GRACEFUL_ENDED_OTHERWISE),
                of(Kind.SCHEDULED_FIRED),
                of(Kind.DEADLINE_FIRED));
    }

    /**
     * Its sensor's name in Kafka Streams' registry, as README names it: {@code cancelled},
     * {@code rejected-already-terminal}, {@code run-state-ignored}, {@code cascade-cancelled}, {@code bulk-cancelled}, ...
     */
    public String sensor() {
        return kind == Kind.REJECTED ? "rejected-" + hyphenated(code.name()) : hyphenated(kind.name());
    }

    private static String hyphenated(String constant) {
        return constant.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
