package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Random interleavings of commands of every mode (forced, graceful with and without their own
 * grace, scheduled ahead or for a time passed, by actors with and without rights), run states with
 * and without deadlines (reordered, terminal, upstream confirming CANCELLED or reporting CANCELLING
 * itself) and clock advances, then time enough for everything to come due: every run ends with at
 * most one CANCELLED; every graceful cancel ends in exactly one of its four ways; nothing fires
 * before its time; nothing overdue is left.
 */
class CancellationOverTimeProperties {

    private static final List<String> EXECUTIONS = List.of("e0", "e1", "e2");
    private static final String TENANT = CancelDriver.TENANT;
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    private static final Set<RunStatus> TERMINAL =
            EnumSet.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.ABORTED);

    /**
     * Command i, the same each time it is sent (so that a second send is a true repeat).
     *
     * @param notBeforeSeconds after the start, or null
     */
    record Spec(String actor, CancelMode mode, Integer graceSeconds, Integer notBeforeSeconds) {}

    sealed interface Step {}

    record Send(int index) implements Step {}

    /** @param deadlineSeconds after the start, or null */
    record Update(String executionId, RunStatus status, long version, Integer deadlineSeconds) implements Step {}

    record Tick(int seconds) implements Step {}

    record Scenario(List<Spec> commands, List<Step> steps) {}

    /** Upstream's view as the test tracks it: the newest version, never reopened once it ended. */
    record Upstream(RunStatus status, long version, Instant deadline, int step) {}

    private CancelDriver cancel;

    @AfterTry
    void close() {
        if (cancel != null) {
            cancel.close();
        }
    }

    @Property(tries = 50)
    void everyRunEndsOnceAndEveryTimerFiresOnTimeAndNoneIsLeft(@ForAll("scenarios") Scenario scenario) {
        cancel = new CancelDriver(Map.of(
                CancelProcessorConfig.NOT_FOUND_GRACE_MS,
                1_000L,
                CancelProcessorConfig.GRACEFUL_TIMEOUT_MS,
                DEFAULT_GRACE.toMillis()));
        cancel.grant("alice", List.of("admin"), List.of(TENANT));
        Instant start = cancel.wallClock();
        Map<String, List<Upstream>> accepted = new HashMap<>();
        Set<Integer> sent = new HashSet<>();
        int stepNo = 0;
        for (Step step : scenario.steps()) {
            stepNo++;
            if (step instanceof Send send) {
                cancel.send(
                        executionOf(send.index()), command(scenario.commands().get(send.index()), send.index(), start));
                sent.add(send.index());
            } else if (step instanceof Update update) {
                Instant deadline =
                        update.deadlineSeconds() == null ? null : start.plusSeconds(update.deadlineSeconds());
                cancel.runStateRecord(
                        update.executionId(),
                        new RunState(
                                update.executionId(),
                                TENANT,
                                update.status(),
                                update.version(),
                                start,
                                null,
                                deadline));
                List<Upstream> states = accepted.computeIfAbsent(update.executionId(), id -> new ArrayList<>());
                Upstream held = states.isEmpty() ? null : states.get(states.size() - 1);
                if (held == null || (update.version() > held.version() && !TERMINAL.contains(held.status()))) {
                    states.add(new Upstream(update.status(), update.version(), deadline, stepNo));
                }
            } else if (step instanceof Tick tick) {
                cancel.advanceWallClock(Duration.ofSeconds(tick.seconds()));
            }
        }
        // time for everything to come due: the latest notBefore (120 s), then its wait for the run
        // and its grace, in small steps so that each timer meets a punctuation soon after its time
        for (int i = 0; i < 100; i++) {
            cancel.advanceWallClock(Duration.ofSeconds(2));
        }

        List<RunStateChange> changes =
                cancel.changes().stream().map(TestRecord::value).toList();
        List<CancelRejection> rejections =
                cancel.rejections().stream().map(TestRecord::value).toList();
        for (String executionId : EXECUTIONS) {
            List<RunStateChange> ofRun = changes.stream()
                    .filter(change -> change.getExecutionId().equals(executionId))
                    .toList();
            List<RunStateChange> cancelled = ofRun.stream()
                    .filter(change -> change.getStatus() == RunStatus.CANCELLED)
                    .toList();
            List<RunStateChange> cancelling = ofRun.stream()
                    .filter(change -> change.getStatus() == RunStatus.CANCELLING)
                    .toList();
            assertThat(cancelled).as("CANCELLED records of %s", executionId).hasSizeLessThanOrEqualTo(1);
            assertThat(cancelling).as("CANCELLING records of %s", executionId).hasSizeLessThanOrEqualTo(1);
            List<Upstream> states = accepted.getOrDefault(executionId, List.of());
            Upstream last = states.isEmpty() ? null : states.get(states.size() - 1);
            if (!cancelling.isEmpty()) {
                RunStateChange asked = cancelling.get(0);
                assertThat(ofRun.indexOf(asked))
                        .as("CANCELLING before any CANCELLED")
                        .isZero();
                boolean endedOtherwise =
                        last != null && TERMINAL.contains(last.status()) && last.status() != RunStatus.CANCELLED;
                // exactly one of the four ends: confirmed, ended otherwise, grace ended, forced
                assertThat(cancelled.size() + (endedOtherwise && cancelled.isEmpty() ? 1 : 0))
                        .as("ends of %s's graceful cancel", executionId)
                        .isEqualTo(1);
                if (!cancelled.isEmpty()) {
                    RunStateChange end = cancelled.get(0);
                    assertThat(end.getPreviousStatus()).isEqualTo(RunStatus.CANCELLING);
                    if (!end.getEscalated()) {
                        assertThat(last).isNotNull();
                        assertThat(last.status()).as("only upstream confirms").isEqualTo(RunStatus.CANCELLED);
                    } else if (end.getCommandId().equals(asked.getCommandId())) {
                        // its grace ended: not before it did
                        Duration grace = graceOf(scenario, asked.getCommandId());
                        assertThat(end.getCancelledAt())
                                .isAfterOrEqualTo(asked.getCancelledAt().plus(grace));
                    }
                }
            }
            for (RunStateChange change : ofRun) {
                if (change.getCommandId().startsWith("deadline/")) {
                    Instant deadline = Instant.parse(change.getReason().split(" ")[1]);
                    assertThat(change.getCancelledAt())
                            .as("a deadline fires not before it")
                            .isAfterOrEqualTo(deadline);
                }
            }
            // nothing overdue left: a run whose deadline passed is not left running
            if (last != null && last.deadline() != null && !TERMINAL.contains(last.status())) {
                assertThat(cancelled).as("%s's passed deadline", executionId).hasSize(1);
            }
        }
        for (int index : sent) {
            Spec spec = scenario.commands().get(index);
            String commandId = "c" + index;
            List<Instant> outcomes = new ArrayList<>();
            changes.stream()
                    .filter(change -> change.getCommandId().equals(commandId))
                    .forEach(change -> outcomes.add(change.getCancelledAt()));
            rejections.stream()
                    .filter(rejection -> rejection.getCommandId().equals(commandId))
                    .forEach(rejection -> outcomes.add(rejection.getRejectedAt()));
            if (spec.notBeforeSeconds() != null && spec.actor().equals("alice")) {
                Instant notBefore = start.plusSeconds(spec.notBeforeSeconds());
                assertThat(outcomes).as("outcomes of scheduled %s", commandId).allMatch(at -> !at.isBefore(notBefore));
            }
            // every command comes to an outcome, but a graceful one for a run stopping gracefully already
            if (spec.mode() == CancelMode.FORCE || !spec.actor().equals("alice")) {
                assertThat(outcomes).as("outcomes of %s", commandId).isNotEmpty();
            }
        }
    }

    private static String executionOf(int index) {
        return EXECUTIONS.get(index % EXECUTIONS.size());
    }

    private static CancelCommand command(Spec spec, int index, Instant start) {
        return CancelCommand.newBuilder(
                        TestRecords.command("c" + index, executionOf(index), spec.actor(), "why", start))
                .setMode(spec.mode())
                .setGraceMs(spec.graceSeconds() == null ? null : spec.graceSeconds() * 1_000L)
                .setNotBefore(spec.notBeforeSeconds() == null ? null : start.plusSeconds(spec.notBeforeSeconds()))
                .build();
    }

    private static Duration graceOf(Scenario scenario, String commandId) {
        if (commandId.startsWith("deadline/")) {
            return DEFAULT_GRACE;
        }
        Integer seconds = scenario.commands()
                .get(Integer.parseInt(commandId.substring(1)))
                .graceSeconds();
        return seconds == null ? DEFAULT_GRACE : Duration.ofSeconds(seconds);
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<CancelMode> mode = Arbitraries.of(CancelMode.class);
        Arbitrary<Spec> spec = Combinators.combine(
                        Arbitraries.of("alice", "alice", "alice", "mallory"),
                        mode,
                        Arbitraries.integers().between(1, 30).injectNull(0.5),
                        Arbitraries.integers().between(0, 120).injectNull(0.5))
                .as((actor, m, grace, notBefore) ->
                        new Spec(actor, m, m == CancelMode.GRACEFUL ? grace : null, notBefore));
        Arbitrary<List<Spec>> commands = spec.list().ofSize(9);
        Arbitrary<Step> send = Arbitraries.integers().between(0, 8).map(Send::new);
        Arbitrary<Step> update = Combinators.combine(
                        Arbitraries.of(EXECUTIONS),
                        Arbitraries.of(
                                RunStatus.RUNNING,
                                RunStatus.PAUSED,
                                RunStatus.CANCELLING,
                                RunStatus.COMPLETED,
                                RunStatus.FAILED,
                                RunStatus.CANCELLED),
                        Arbitraries.longs().between(1, 6),
                        Arbitraries.integers().between(0, 120).injectNull(0.5))
                .as(Update::new);
        Arbitrary<Step> tick = Arbitraries.integers().between(1, 20).map(Tick::new);
        Arbitrary<List<Step>> steps = Arbitraries.frequencyOf(Tuple.of(5, send), Tuple.of(4, update), Tuple.of(2, tick))
                .list()
                .ofMinSize(1)
                .ofMaxSize(40);
        return Combinators.combine(commands, steps).as(Scenario::new);
    }
}
