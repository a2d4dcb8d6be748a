package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.decision.GrantValidation;
import io.controlplane.cancel.decision.RunStateValidation;
import io.controlplane.cancel.errors.BadInputException;
import io.controlplane.cancel.serde.UndecodableRecordException;
import io.controlplane.cancel.state.ExecutionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Whatever bytes arrive as key and value on whichever input topic, with whatever timestamp, the
 * topology never throws, and every record ends as exactly one thing, checked record by record
 * against what that record left behind:
 *
 * <ul>
 *   <li>a command: an outcome, a rejection, a duplicate, a waiting command, a command held until its
 *       notBefore, or a GRACEFUL command for a run stopping gracefully already (the last four as the
 *       processor's metrics count them, and the waiting and held ones as its store keeps them); and
 *       which of these it may be follows from the command: a grace or notBefore out of bounds is
 *       INVALID_COMMAND, a notBefore ahead is held (or refused before the run is looked at), a
 *       GRACEFUL command writes CANCELLING and a FORCE one CANCELLED (escalated if this processor's
 *       own graceful cancel of the run was going on);
 *   <li>a run state: applied (the store then holds it), ignored as stale (the store unchanged, the
 *       ignored count up by one), or deleted by a tombstone; applied, it ends the run's graceful
 *       cancel if it is terminal (CANCELLED confirms it: one CANCELLED written), and, once the task is
 *       past its start-up hold, a passed deadlineAt cancels a run not ended (deadline/&lt;executionId&gt;);
 *   <li>a grant: kept if it is usable, and otherwise nothing kept for the actor its key names;
 *   <li>or, for a command or a run state, one dead letter, but only for a reason of the record's
 *       own: it cannot be decoded, or it is not a usable record of its kind. A dead letter of the
 *       processor's own failure (a NullPointerException, say) is a bug, not an ending.
 * </ul>
 *
 * Cancellations cascaded to a run's children (CascadeTopologyTest) are not the record's own ending,
 * and the commands a run state wakes end each as a command does.
 *
 * <p>The wall clock is the processor's "now". It stands still while the records arrive: either at
 * the task's start (so the task is inside its start-up hold, and no deadline may fire) or one
 * not-found grace later (past the hold, so a run state whose deadline passed is acted on as it
 * arrives). Since it never advances while records arrive, no timer fires: waiting commands do not
 * expire, held commands do not come due and graceful cancels do not escalate by time (those are
 * CancellationOverTimeTopologyTest's).
 */
class AnyInputProperties {

    /** At least once: see DeadLetterQueueTest on why the driver needs it to show dead letters. */
    private static final Map<String, Object> SETTINGS = Map.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.AT_LEAST_ONCE,
            CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE,
            true,
            CancelProcessorConfig.NOT_FOUND_GRACE_MS,
            Duration.ofSeconds(10).toMillis());

    /** cancel.not-found.grace.ms: how long a command waits for its run, and the task's start-up hold. */
    private static final Duration NOT_FOUND_GRACE =
            Duration.ofMillis((Long) SETTINGS.get(CancelProcessorConfig.NOT_FOUND_GRACE_MS));

    /** The default cancel.graceful.max-timeout.ms: a longer graceMs is INVALID_COMMAND. */
    private static final Duration MAX_GRACE = Duration.ofHours(24);

    /** The default cancel.schedule.max-horizon.ms: a notBefore further ahead is INVALID_COMMAND. */
    private static final Duration MAX_HORIZON = Duration.ofDays(30);

    /** The default cancel.deadline.actor: who a passed deadline's cancellation names. */
    private static final String DEADLINE_ACTOR = "controlplane:deadline";

    private static final Set<RunStatus> CANCELLABLE = EnumSet.of(
            RunStatus.PENDING,
            RunStatus.QUEUED,
            RunStatus.RUNNING,
            RunStatus.WAITING,
            RunStatus.AWAITING_APPROVAL,
            RunStatus.PAUSED);
    private static final Set<RunStatus> TERMINAL =
            EnumSet.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.ABORTED);

    /** What the processor's metrics count of what produces no record, or not only one. */
    private static final List<String> COUNTED = List.of(
            "duplicate-total",
            "waiting-total",
            "run-state-ignored-total",
            "scheduled-total",
            "already-cancelling-total",
            "graceful-confirmed-total",
            "graceful-ended-otherwise-total",
            "scheduled-fired-total",
            "deadline-fired-total");

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");
    private static final long YEAR_9999 =
            LocalDate.of(9999, 12, 31).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();

    private enum Input {
        COMMAND,
        RUN_STATE,
        GRANT
    }

    /** One record: the topic, how its key and value are made, and the timestamp its producer gave it. */
    record Arrival(Input input, KeyRecipe key, ValueRecipe value, long timestamp) {}

    /** The given bytes (null = no key), or, if {@code own}, the id the value's record is keyed by. */
    record KeyRecipe(byte[] given, boolean own) {}

    /** Noise, or a valid record of some input's schema (null = noise) mutated; a null recipe is a tombstone. */
    record ValueRecipe(Object valid, byte[] noise, int mutations, long seed) {}

    /**
     * @param pastTheStartUpHold whether the wall clock moved on by one not-found grace before the
     *     records arrive (and so deadlines that passed fire), or stays at the task's start
     */
    @Property(tries = 60)
    void everyRecordOnAnyInputEndsAsExactlyOneThingForAReasonOfItsOwn(
            @ForAll("arrivals") List<Arrival> arrivals, @ForAll boolean pastTheStartUpHold) {
        try (CancelDriver cancel = new CancelDriver(SETTINGS)) {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            if (pastTheStartUpHold) {
                // nothing is due yet: the only run has no deadline, and nothing waits or is held
                cancel.advanceWallClock(NOT_FOUND_GRACE);
            }
            Witness witness = new Witness(cancel, pastTheStartUpHold);
            for (Arrival arrival : arrivals) {
                witness.check(arrival);
            }
        }
    }

    /** Pipes arrivals into one driver and checks, for each, what it left behind. */
    private static final class Witness {

        private final CancelDriver cancel;
        /** The processor's clock, which stands still while the records arrive. */
        private final Instant now;

        private final boolean pastTheStartUpHold;
        private final Map<Input, TestInputTopic<byte[], byte[]>> topics;
        private final HeldExecutions held;
        private final KeyValueStore<String, byte[]> grants;
        private final List<ConsumerInterceptor<byte[], byte[]>> globalInterceptors = globalConsumerInterceptors();

        Witness(CancelDriver cancel, boolean pastTheStartUpHold) {
            this.cancel = cancel;
            this.now = cancel.wallClock();
            this.pastTheStartUpHold = pastTheStartUpHold;
            topics = Map.of(
                    Input.COMMAND, raw(cancel.topics.commands.name()),
                    Input.RUN_STATE, raw(cancel.topics.runStates.name()),
                    Input.GRANT, raw(cancel.topics.operators.name()));
            held = new HeldExecutions(cancel.driver);
            grants = cancel.driver.getKeyValueStore(CancelStores.OPERATOR_GRANTS);
        }

        void check(Arrival arrival) {
            ValueRecipe recipe = arrival.value();
            byte[] value = value(cancel, recipe);
            byte[] keyBytes = arrival.key().own()
                    ? bytes(ownKey(recipe == null ? null : recipe.valid()))
                    : arrival.key().given();
            String key = Topics.KEY_SERDE.deserializer().deserialize(topic(arrival.input()), keyBytes);
            String record = String.format(
                    "%s record (key %s, value %s, timestamp %d)",
                    arrival.input(), hex(keyBytes), hex(value), arrival.timestamp());

            ExecutionRecord recordBefore = key == null ? null : held.record(key);
            RunState heldBefore = recordBefore == null ? null : recordBefore.getUpstream();
            // an unkeyed valid command is re-keyed by its executionId: its run's record is that one
            Decoded decodedBefore = decode(arrival.input(), value);
            ExecutionRecord commandRunBefore = key == null
                            && !decodedBefore.failed()
                            && decodedBefore.value() instanceof CancelCommand unkeyed
                            && unkeyed.getExecutionId() != null
                    ? held.record(unkeyed.getExecutionId())
                    : recordBefore;
            Map<String, String> grantsBefore = grantsHeld();
            int waitingBefore = held.waitingCommands();
            int heldCommandsBefore = held.heldCommands();
            Map<String, Double> countedBefore = counted();

            long timestamp = arrival.input() == Input.GRANT
                    ? asTheGlobalConsumerHandsItOn(arrival.timestamp())
                    : arrival.timestamp();
            topics.get(arrival.input()).pipeInput(keyBytes, value, Instant.ofEpochMilli(timestamp));

            List<RunStateChange> allChanges =
                    cancel.changes().stream().map(TestRecord::value).toList();
            List<RunStateChange> changes = allChanges.stream()
                    .filter(change -> change.getCascadedFrom() == null)
                    .toList();
            List<CancelRejection> rejections =
                    cancel.rejections().stream().map(TestRecord::value).toList();
            List<TestRecord<String, byte[]>> deadLetters = cancel.read(cancel.topics.dlq, new ByteArrayDeserializer());
            int outputs = changes.size() + rejections.size();
            Map<String, Integer> counts = countedSince(countedBefore);
            int duplicates = counts.get("duplicate-total");
            int waits = counts.get("waiting-total");
            int ignored = counts.get("run-state-ignored-total");
            int scheduled = counts.get("scheduled-total");
            int alreadyCancelling = counts.get("already-cancelling-total");
            int confirmed = counts.get("graceful-confirmed-total");
            int endedOtherwise = counts.get("graceful-ended-otherwise-total");
            int deadlinesFired = counts.get("deadline-fired-total");
            int nowWaiting = held.waitingCommands();
            int nowHeldCommands = held.heldCommands();

            assertThat(counts.get("scheduled-fired-total"))
                    .as("held commands fired after the %s, with the wall clock standing still", record)
                    .isZero();
            if (!pastTheStartUpHold) {
                assertThat(deadlinesFired)
                        .as("deadlines fired after the %s, inside the task's start-up hold", record)
                        .isZero();
            }

            Decoded decoded = decode(arrival.input(), value);
            String inputReason = inputReason(arrival.input(), key, decoded);
            for (TestRecord<String, byte[]> deadLetter : deadLetters) {
                assertThat(header(deadLetter, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME))
                        .as(
                                "why the %s was dead-lettered (%s); %s",
                                record,
                                header(deadLetter, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME),
                                inputReason == null
                                        ? "the record gives no reason to dead-letter it"
                                        : "the record's own reason is " + inputReason)
                        .isEqualTo(inputReason);
            }

            switch (arrival.input()) {
                case COMMAND -> {
                    assertThat(outputs
                                    + duplicates
                                    + waits
                                    + scheduled
                                    + alreadyCancelling
                                    + ignored
                                    + deadLetters.size())
                            .as(
                                    "endings of the %s: %d changes, %d rejections, %d duplicates, %d waits,"
                                            + " %d held, %d already cancelling, %d ignored run states,"
                                            + " %d dead letters",
                                    record,
                                    changes.size(),
                                    rejections.size(),
                                    duplicates,
                                    waits,
                                    scheduled,
                                    alreadyCancelling,
                                    ignored,
                                    deadLetters.size())
                            .isEqualTo(1);
                    assertThat(nowWaiting - waitingBefore)
                            .as("commands waiting after the %s, counted as %d waits", record, waits)
                            .isEqualTo(waits);
                    assertThat(nowHeldCommands - heldCommandsBefore)
                            .as("commands held after the %s, counted as %d held", record, scheduled)
                            .isEqualTo(scheduled);
                    assertThat(List.of(confirmed, endedOtherwise, deadlinesFired))
                            .as("graceful cancels confirmed, ended otherwise, and deadlines fired by the %s", record)
                            .containsOnly(0);
                    Statistics.label("command endings")
                            .collect(commandEnding(
                                    changes, rejections, duplicates, waits, scheduled, alreadyCancelling, deadLetters));
                    if (!decoded.failed() && decoded.value() instanceof CancelCommand command) {
                        boolean stoppingGracefully =
                                commandRunBefore != null && commandRunBefore.getCancelling() != null;
                        checkCommandEnding(
                                record,
                                command,
                                stoppingGracefully,
                                changes,
                                rejections,
                                duplicates,
                                waits,
                                scheduled,
                                alreadyCancelling);
                    }
                }
                case RUN_STATE -> {
                    RunState heldAfter = key == null ? null : held.upstream(key);
                    RunState update = decoded.failed() ? null : (RunState) decoded.value();
                    boolean usable = inputReason == null;
                    boolean applied = usable && update != null && update.equals(heldAfter) && ignored == 0;
                    boolean ignoredAsStale = usable
                            && update != null
                            && ignored == 1
                            && heldBefore != null
                            && heldBefore.equals(heldAfter);
                    boolean deleted = usable && update == null && heldAfter == null && ignored == 0;
                    boolean deadLettered = deadLetters.size() == 1 && Objects.equals(heldBefore, heldAfter);
                    assertThat(List.of(applied, ignoredAsStale, deleted, deadLettered).stream()
                                    .filter(ending -> ending)
                                    .count())
                            .as(
                                    "endings of the %s: applied %s, ignored as stale %s, deleted %s,"
                                            + " dead-lettered %s (%d dead letters); held before %s, after %s",
                                    record,
                                    applied,
                                    ignoredAsStale,
                                    deleted,
                                    deadLettered,
                                    deadLetters.size(),
                                    heldBefore,
                                    heldAfter)
                            .isEqualTo(1);
                    Statistics.label("run state endings")
                            .collect(
                                    applied
                                            ? "applied"
                                            : ignoredAsStale
                                                    ? "ignored as stale"
                                                    : deleted ? "deleted" : deadLettered ? "dead-lettered" : "?",
                                    confirmed > 0
                                            ? "confirmed a graceful cancel"
                                            : endedOtherwise > 0 ? "ended a graceful cancel otherwise" : "-",
                                    deadlinesFired > 0 ? "fired its deadline" : "-");
                    checkRunStateEnding(
                            record,
                            key,
                            applied ? update : null,
                            recordBefore,
                            key == null ? null : held.record(key),
                            changes,
                            confirmed,
                            endedOtherwise,
                            deadlinesFired);
                    // what it wakes are commands, each of which ends once (a GRACEFUL one for a run
                    // already stopping gracefully with no record); besides them it may confirm the
                    // run's graceful cancel or fire its deadline, each with one record of its own
                    long confirmations = allChanges.stream()
                            .filter(change -> isConfirmation(change, key, recordBefore))
                            .count();
                    long woken = changes.stream()
                                    .filter(change ->
                                            !isConfirmation(change, key, recordBefore) && !isDeadline(change, key))
                                    .count()
                            + rejections.size()
                            + alreadyCancelling;
                    assertThat(confirmations)
                            .as("CANCELLED records confirming a graceful cancel after the %s", record)
                            .isEqualTo(confirmed);
                    assertThat(woken)
                            .as(
                                    "outcomes after the %s, which woke %d waiting commands",
                                    record, waitingBefore - nowWaiting)
                            .isEqualTo(waitingBefore - nowWaiting);
                    assertThat(duplicates + waits + scheduled)
                            .as("commands counted after the %s", record)
                            .isZero();
                    assertThat(nowHeldCommands)
                            .as("commands held after the %s", record)
                            .isEqualTo(heldCommandsBefore);
                }
                case GRANT -> {
                    assertThat(outputs
                                    + deadLetters.size()
                                    + counts.values().stream()
                                            .mapToInt(Integer::intValue)
                                            .sum())
                            .as("what the %s produced", record)
                            .isZero();
                    Map<String, String> expected = new HashMap<>(grantsBefore);
                    if (key != null) {
                        if (usableGrant(key, decoded)) {
                            expected.put(key, hex(value));
                        } else {
                            expected.remove(key);
                        }
                    }
                    assertThat(grantsHeld())
                            .as("grants held after the %s", record)
                            .isEqualTo(expected);
                }
            }
        }

        /**
         * What a command that decodes may end as, from its own fields: a grace or notBefore out of
         * bounds makes it INVALID_COMMAND (unless it repeats a command, which it then is); a notBefore
         * ahead holds it, unless it is refused before its run is looked at; a change it writes is
         * CANCELLING for GRACEFUL, CANCELLED for FORCE (escalated exactly when this processor's own
         * graceful cancel of the run was going on: a run upstream reports CANCELLING is not escalated).
         */
        private void checkCommandEnding(
                String record,
                CancelCommand command,
                boolean stoppingGracefully,
                List<RunStateChange> changes,
                List<CancelRejection> rejections,
                int duplicates,
                int waits,
                int scheduled,
                int alreadyCancelling) {
            List<RejectionCode> codes =
                    rejections.stream().map(CancelRejection::getCode).toList();
            String timing = timingProblem(command);
            if (timing != null) {
                assertThat(duplicates == 1 || codes.equals(List.of(RejectionCode.INVALID_COMMAND)))
                        .as(
                                "the %s, whose %s, ended as a duplicate or INVALID_COMMAND (rejections %s, %d changes,"
                                        + " %d waits, %d held, %d already cancelling)",
                                record, timing, codes, changes.size(), waits, scheduled, alreadyCancelling)
                        .isTrue();
            } else if (command.getNotBefore() != null && command.getNotBefore().isAfter(now)) {
                assertThat(changes.size() + waits + alreadyCancelling)
                        .as(
                                "the %s, for later (notBefore %s, now %s), was judged on its run",
                                record, command.getNotBefore(), now)
                        .isZero();
                assertThat(codes)
                        .as("the %s, for later, was refused only for what does not depend on its run", record)
                        .isSubsetOf(RejectionCode.INVALID_COMMAND, RejectionCode.UNAUTHORIZED);
            } else {
                assertThat(scheduled)
                        .as("the %s, due now (notBefore %s, now %s), was held", record, command.getNotBefore(), now)
                        .isZero();
            }
            boolean graceful = command.getMode() == CancelMode.GRACEFUL;
            for (RunStateChange change : changes) {
                assertThat(change.getCommandId())
                        .as("the commandId of what the %s wrote", record)
                        .isEqualTo(command.getCommandId());
                assertThat(change.getExecutionId())
                        .as("the run the %s changed", record)
                        .isEqualTo(command.getExecutionId());
                assertThat(change.getStatus())
                        .as("the status a %s command wrote for the %s", command.getMode(), record)
                        .isEqualTo(graceful ? RunStatus.CANCELLING : RunStatus.CANCELLED);
                assertThat(change.getEscalated())
                        .as(
                                "whether what the %s wrote (previousStatus %s, own graceful cancel going on %s) is"
                                        + " escalated",
                                record, change.getPreviousStatus(), stoppingGracefully)
                        .isEqualTo(stoppingGracefully && !graceful);
                if (graceful) {
                    // or stopping at upstream's word: a run upstream reports CANCELLING can be cancelled
                    assertThat(change.getPreviousStatus())
                            .as("what the %s asked to stop gracefully was cancellable", record)
                            .matches(status -> CANCELLABLE.contains(status) || status == RunStatus.CANCELLING);
                }
            }
            if (alreadyCancelling > 0) {
                assertThat(command.getMode())
                        .as("the mode of the %s, which left a run stopping gracefully as it was", record)
                        .isEqualTo(CancelMode.GRACEFUL);
            }
        }

        /** How a command ended, for the statistics: what shows that the property reaches each ending. */
        private static String commandEnding(
                List<RunStateChange> changes,
                List<CancelRejection> rejections,
                int duplicates,
                int waits,
                int scheduled,
                int alreadyCancelling,
                List<TestRecord<String, byte[]>> deadLetters) {
            if (!changes.isEmpty()) {
                RunStateChange change = changes.get(0);
                return "wrote " + change.getStatus() + (change.getEscalated() ? " (escalated)" : "");
            }
            if (!rejections.isEmpty()) {
                return "rejected " + rejections.get(0).getCode();
            }
            if (duplicates > 0) {
                return "duplicate";
            }
            if (waits > 0) {
                return "waiting for its run";
            }
            if (scheduled > 0) {
                return "held until its notBefore";
            }
            if (alreadyCancelling > 0) {
                return "already cancelling";
            }
            return deadLetters.isEmpty() ? "?" : "dead-lettered";
        }

        /** Why the command's graceMs or notBefore is out of bounds, or null. */
        private String timingProblem(CancelCommand command) {
            Long graceMs = command.getGraceMs();
            if (graceMs != null && command.getMode() != CancelMode.GRACEFUL) {
                return "graceMs " + graceMs + " is set on a " + command.getMode() + " command";
            }
            if (graceMs != null && (graceMs < 0 || graceMs > MAX_GRACE.toMillis())) {
                return "graceMs " + graceMs + " is outside 0.." + MAX_GRACE.toMillis();
            }
            if (command.getNotBefore() != null && command.getNotBefore().isAfter(now.plus(MAX_HORIZON))) {
                return "notBefore " + command.getNotBefore() + " is more than " + MAX_HORIZON + " after " + now;
            }
            return null;
        }

        /**
         * What an applied run state (null if it was not applied) does to its run's graceful cancel and
         * deadline: a terminal one ends the graceful cancel going on (confirmed if CANCELLED); past the
         * start-up hold, a deadlineAt passed fires for a run not ended and not cancelled, which the
         * processor then has cancelled; no deadline fires otherwise.
         */
        private void checkRunStateEnding(
                String record,
                String key,
                RunState applied,
                ExecutionRecord before,
                ExecutionRecord after,
                List<RunStateChange> changes,
                int confirmed,
                int endedOtherwise,
                int deadlinesFired) {
            boolean stoppingGracefully = before != null && before.getCancelling() != null;
            boolean endsTheGracefulCancel =
                    applied != null && stoppingGracefully && TERMINAL.contains(applied.getStatus());
            assertThat(confirmed + endedOtherwise)
                    .as("graceful cancels the %s ended (one going on before: %s)", record, stoppingGracefully)
                    .isEqualTo(endsTheGracefulCancel ? 1 : 0);
            assertThat(confirmed)
                    .as("graceful cancels the %s confirmed", record)
                    .isEqualTo(endsTheGracefulCancel && applied.getStatus() == RunStatus.CANCELLED ? 1 : 0);

            boolean cancelledBefore = before != null && before.getCancellation() != null;
            boolean deadlinePassed = applied != null
                    && applied.getDeadlineAt() != null
                    && !applied.getDeadlineAt().isAfter(now);
            long deadlineChanges =
                    changes.stream().filter(change -> isDeadline(change, key)).count();
            assertThat(deadlineChanges)
                    .as("records of deadline/%s after the %s", key, record)
                    .isEqualTo(deadlinesFired);
            if (deadlinesFired > 0) {
                assertThat(pastTheStartUpHold && deadlinePassed && !cancelledBefore)
                        .as(
                                "the %s fired a deadline: past the start-up hold %s, deadline passed %s,"
                                        + " cancelled before %s",
                                record, pastTheStartUpHold, deadlinePassed, cancelledBefore)
                        .isTrue();
            }
            // A command waiting for this run, woken by the record, may begin a graceful cancel before
            // the deadline fires in the same step: the deadline then forces that one (escalated).
            boolean stoppingWhenTheDeadlineFires = stoppingGracefully;
            for (RunStateChange change : changes) {
                if (isDeadline(change, key)) {
                    assertThat(change.getStatus())
                            .as("what the deadline of the %s wrote", record)
                            .isEqualTo(RunStatus.CANCELLED);
                    assertThat(change.getEscalated())
                            .as(
                                    "whether the deadline of the %s forced a run this processor was stopping gracefully",
                                    record)
                            .isEqualTo(stoppingWhenTheDeadlineFires);
                } else if (Objects.equals(key, change.getExecutionId()) && change.getStatus() == RunStatus.CANCELLING) {
                    stoppingWhenTheDeadlineFires = true;
                }
            }
            // as the processor sees it: CANCELLING while its graceful cancel goes on, unless upstream ended it
            boolean stoppable = applied != null
                    && (stoppingGracefully
                            ? !TERMINAL.contains(applied.getStatus())
                            : CANCELLABLE.contains(applied.getStatus()) || applied.getStatus() == RunStatus.CANCELLING);
            if (pastTheStartUpHold && deadlinePassed && stoppable) {
                assertThat(after == null ? null : after.getCancellation())
                        .as(
                                "the cancellation of %s, whose deadline %s passed (now %s) with the run %s,"
                                        + " after the %s",
                                key, applied.getDeadlineAt(), now, applied.getStatus(), record)
                        .isNotNull();
            }
        }

        /**
         * Why the record itself may be dead-lettered, as the name of the exception that says so, or
         * null if nothing about it is a reason to.
         */
        private static String inputReason(Input input, String key, Decoded decoded) {
            if (decoded.failed()) {
                return UndecodableRecordException.class.getName();
            }
            return switch (input) {
                // a command without a value: CancelCommandProcessor has nothing to decide
                case COMMAND -> decoded.value() == null ? BadInputException.class.getName() : null;
                case RUN_STATE ->
                    RunStateValidation.problem(key, (RunState) decoded.value()).isPresent()
                            ? InvalidRunStateException.class.getName()
                            : null;
                // a grant that cannot be decoded or trusted revokes (GrantUpdater): never a dead letter
                case GRANT -> null;
            };
        }

        private static boolean usableGrant(String key, Decoded decoded) {
            return !decoded.failed()
                    && decoded.value() instanceof OperatorGrant grant
                    && GrantValidation.problem(key, grant).isEmpty();
        }

        /** The value as the input's own deserializer reads it. */
        private Decoded decode(Input input, byte[] value) {
            try {
                Object decoded = switch (input) {
                    case COMMAND ->
                        cancel.topics.commands.valueSerde().deserializer().deserialize(topic(input), value);
                    case RUN_STATE ->
                        cancel.topics.runStates.valueSerde().deserializer().deserialize(topic(input), value);
                    case GRANT ->
                        cancel.topics.operators.valueSerde().deserializer().deserialize(topic(input), value);
                };
                return new Decoded(decoded, false);
            } catch (SerializationException e) {
                return new Decoded(null, true);
            }
        }

        private String topic(Input input) {
            return switch (input) {
                case COMMAND -> cancel.topics.commands.name();
                case RUN_STATE -> cancel.topics.runStates.name();
                case GRANT -> cancel.topics.operators.name();
            };
        }

        /**
         * The timestamp a grant reaches the global thread with. The driver feeds the global store
         * directly, without the consumer whose interceptors the application configures: a real
         * consumer first runs them (NegativeTimestampInterceptor), so this does too.
         */
        private long asTheGlobalConsumerHandsItOn(long timestamp) {
            String topic = cancel.topics.operators.name();
            TopicPartition partition = new TopicPartition(topic, 0);
            ConsumerRecords<byte[], byte[]> records = new ConsumerRecords<>(
                    Map.of(
                            partition,
                            List.of(new ConsumerRecord<>(
                                    topic,
                                    0,
                                    0,
                                    timestamp,
                                    TimestampType.CREATE_TIME,
                                    0,
                                    0,
                                    null,
                                    null,
                                    new RecordHeaders(),
                                    Optional.empty()))),
                    Map.of());
            for (ConsumerInterceptor<byte[], byte[]> interceptor : globalInterceptors) {
                records = interceptor.onConsume(records);
            }
            return records.iterator().next().timestamp();
        }

        private Map<String, String> grantsHeld() {
            Map<String, String> held = new HashMap<>();
            try (KeyValueIterator<String, byte[]> all = grants.all()) {
                all.forEachRemaining(grant -> held.put(grant.key, hex(grant.value)));
            }
            return held;
        }

        private Map<String, Double> counted() {
            Map<String, Double> counted = new HashMap<>();
            for (String name : COUNTED) {
                counted.put(name, metric(name));
            }
            return counted;
        }

        private Map<String, Integer> countedSince(Map<String, Double> before) {
            Map<String, Integer> since = new HashMap<>();
            for (String name : COUNTED) {
                since.put(name, (int) (metric(name) - before.get(name)));
            }
            return since;
        }

        /** Decisions and ignored run states that produce no record, as the processor's metrics count them. */
        private double metric(String name) {
            double sum = 0;
            for (Map.Entry<MetricName, ? extends Metric> metric :
                    cancel.driver.metrics().entrySet()) {
                MetricName metricName = metric.getKey();
                if (metricName.group().equals("stream-" + DecisionMetrics.SCOPE + "-metrics")
                        && metricName.name().equals(name)) {
                    sum += ((Number) metric.getValue().metricValue()).doubleValue();
                }
            }
            return sum;
        }

        private TestInputTopic<byte[], byte[]> raw(String topic) {
            return cancel.driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        }
    }

    /** What a value decodes to (null: a tombstone), or that it does not decode. */
    private record Decoded(Object value, boolean failed) {}

    /** The run's one CANCELLED written because upstream confirmed its graceful cancel. */
    /**
     * The CANCELLED of the graceful cancel that was going on before the record, not escalated (a
     * run upstream reports CANCELLING can be cancelled by a command, not escalated either, so the
     * record's own fields alone do not tell a confirmation).
     */
    private static boolean isConfirmation(RunStateChange change, String executionId, ExecutionRecord before) {
        return before != null
                && before.getCancelling() != null
                && change.getExecutionId().equals(executionId)
                && change.getCommandId()
                        .equals(before.getCancelling().getChange().getCommandId())
                && change.getStatus() == RunStatus.CANCELLED
                && change.getPreviousStatus() == RunStatus.CANCELLING
                && !change.getEscalated();
    }

    /** The cancellation the processor makes in its own name when the run's deadline passes. */
    private static boolean isDeadline(RunStateChange change, String executionId) {
        return change.getCommandId().equals("deadline/" + executionId)
                && change.getCancelledBy().equals(DEADLINE_ACTOR)
                && change.getCascadedFrom() == null;
    }

    /** The interceptors the application gives the global (grants) consumer. */
    @SuppressWarnings("unchecked")
    private static List<ConsumerInterceptor<byte[], byte[]>> globalConsumerInterceptors() {
        Object configured = StreamsProperties.from(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092"))
                .getOrDefault(StreamsConfig.globalConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG), "");
        List<ConsumerInterceptor<byte[], byte[]>> interceptors = new ArrayList<>();
        for (String name : String.valueOf(configured).split(",")) {
            if (name.isBlank()) {
                continue;
            }
            try {
                interceptors.add((ConsumerInterceptor<byte[], byte[]>)
                        Class.forName(name.trim()).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot make the global consumer's interceptor " + name, e);
            }
        }
        return interceptors;
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? "null" : HexFormat.of().formatHex(bytes);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The id a record is keyed by on its own topic; noise has none, and goes under a run's. */
    private static String ownKey(Object valid) {
        if (valid instanceof CancelCommand command) {
            return command.getExecutionId();
        }
        if (valid instanceof RunState state) {
            return state.getExecutionId();
        }
        if (valid instanceof OperatorGrant grant) {
            return grant.getActorId();
        }
        return "run-1";
    }

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        Arbitrary<KeyRecipe> keys = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(new KeyRecipe(null, true))),
                Tuple.of(1, Arbitraries.just(new KeyRecipe(null, false))),
                Tuple.of(
                        3,
                        Arbitraries.of("run-1", "run-2", "alice", "bob", "a\u0000b", "")
                                .map(key -> new KeyRecipe(bytes(key), false))),
                Tuple.of(
                        1,
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(key -> new KeyRecipe(key, false))));
        return Arbitraries.of(Input.class)
                .flatMap(input -> Combinators.combine(keys, values(input), timestamps())
                        .as((key, value, timestamp) -> new Arrival(input, key, value, timestamp)))
                .list()
                .ofMinSize(1)
                .ofMaxSize(30)
                .withSizeDistribution(RandomDistribution.uniform());
    }

    /**
     * A producer sets a record's timestamp, so any: the processor must read every record on its own
     * clock, and neither a negative nor a far-future timestamp may stop it or reach what it writes.
     */
    private static Arbitrary<Long> timestamps() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        2,
                        Arbitraries.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, YEAR_9999, Long.MAX_VALUE - 1)),
                Tuple.of(1, Arbitraries.longs()),
                Tuple.of(1, Arbitraries.longs().between(-1_000, 0)),
                Tuple.of(2, Arbitraries.longs().between(0, 4_102_444_800_000L)));
    }

    /** Mostly a record of the input's own schema, so that most records get past decoding, some mutated. */
    private static Arbitrary<ValueRecipe> values(Input input) {
        Arbitrary<Object> valid = Arbitraries.frequencyOf(
                Tuple.of(4, validRecord(input)),
                Tuple.of(1, Arbitraries.of(Input.class).flatMap(AnyInputProperties::validRecord)));
        Arbitrary<Integer> mutations = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.integers().between(1, 4)));
        return Arbitraries.frequencyOf(
                Tuple.of(
                        16,
                        Combinators.combine(valid, mutations, Arbitraries.longs())
                                .as((record, count, seed) -> new ValueRecipe(record, null, count, seed))),
                Tuple.of(
                        3,
                        Arbitraries.bytes()
                                .array(byte[].class)
                                .ofMaxSize(64)
                                .map(noise -> new ValueRecipe(null, noise, 0, 0))),
                Tuple.of(1, Arbitraries.<ValueRecipe>just(null)));
    }

    /**
     * Few ids, so that records meet: a command its run and its actor's grant, a run state an older one.
     *
     * <p>jqwik mixes in edge cases often (a record of the input's own schema is most often one), and
     * shares a combination's edge cases among its parts in order, the first getting most. So the timing
     * of a command and the deadline of a run state come first, each with a few edge cases chosen to
     * reach the new endings (GRACEFUL, held, deadline passed) beside today's, and no more: an edge case
     * with a grace or notBefore out of bounds would leave few commands to reach their run.
     */
    private static Arbitrary<Object> validRecord(Input input) {
        Arbitrary<String> runs = ids("run-1", "run-2", "run-3");
        Arbitrary<String> actors = ids("alice", "bob");
        return switch (input) {
            case COMMAND ->
                Combinators.combine(
                                timings(),
                                Arbitraries.frequencyOf(
                                        Tuple.of(
                                                9,
                                                Arbitraries.integers()
                                                        .between(1, 20)
                                                        .map(n -> "c-" + n)),
                                        Tuple.of(1, unusableIds())),
                                runs,
                                actors)
                        .as((timing, id, run, actor) -> new CancelCommand(
                                id,
                                run,
                                actor,
                                "why",
                                AT,
                                "t-" + id,
                                timing.mode(),
                                timing.graceMs(),
                                timing.notBefore()));
            case RUN_STATE ->
                Combinators.combine(
                                deadlines(),
                                runs,
                                Arbitraries.of(CancelDriver.TENANT, "tenant-b"),
                                Arbitraries.of(RunStatus.class),
                                Arbitraries.longs().between(0, 9),
                                runs.injectNull(0.8))
                        .as((deadlineAt, run, tenant, status, version, parent) ->
                                new RunState(run, tenant, status, version, AT, parent, deadlineAt));
            case GRANT ->
                Combinators.combine(
                                actors,
                                Arbitraries.of(List.of("admin"), List.of("viewer"), List.<String>of()),
                                Arbitraries.of(List.of(CancelDriver.TENANT), List.of("*"), List.<String>of()))
                        .as(OperatorGrant::new);
        };
    }

    /** A command's mode, graceMs and notBefore. */
    private record Timing(CancelMode mode, Long graceMs, Instant notBefore) {}

    /**
     * FORCE or GRACEFUL, each with its own graces; any notBefore. Edge cases: FORCE and GRACEFUL now
     * with the default grace, GRACEFUL with a grace of its own, FORCE an hour ahead (held).
     */
    private static Arbitrary<Timing> timings() {
        return Combinators.combine(
                        Arbitraries.of(CancelMode.class),
                        graces(CancelMode.GRACEFUL),
                        graces(CancelMode.FORCE),
                        notBefores())
                .as((mode, gracefulGrace, forceGrace, notBefore) ->
                        new Timing(mode, mode == CancelMode.GRACEFUL ? gracefulGrace : forceGrace, notBefore))
                .edgeCases(edgeCases -> edgeCases.add(
                        new Timing(CancelMode.GRACEFUL, 60_000L, null),
                        new Timing(CancelMode.FORCE, null, AT.plus(Duration.ofHours(1)))));
    }

    /**
     * graceMs: for a GRACEFUL command none (the default grace), within 0..24 h, negative, or above the
     * 24 h maximum; now and then set on a FORCE command too, which may not have one.
     */
    private static Arbitrary<Long> graces(CancelMode mode) {
        long max = MAX_GRACE.toMillis();
        Arbitrary<Long> set = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0L, 1L, 60_000L, max)),
                Tuple.of(1, Arbitraries.longs().between(0, max)),
                Tuple.of(1, Arbitraries.of(-1L, -60_000L, Long.MIN_VALUE)),
                Tuple.of(1, Arbitraries.of(max + 1, Duration.ofDays(7).toMillis(), Long.MAX_VALUE)));
        return Arbitraries.frequencyOf(
                        Tuple.of(mode == CancelMode.GRACEFUL ? 3 : 9, Arbitraries.<Long>just(null)),
                        Tuple.of(mode == CancelMode.GRACEFUL ? 5 : 1, set))
                .edgeCases(ordinary -> ordinary.filter(Objects::isNull));
    }

    /**
     * notBefore: none, past (or now), a little or well ahead, at the 30-day horizon, or beyond it; the
     * wall clock stands at AT or one not-found grace after it, so some are ahead of one and not the other.
     */
    private static Arbitrary<Instant> notBefores() {
        return Arbitraries.frequencyOf(
                        Tuple.of(6, Arbitraries.<Instant>just(null)),
                        Tuple.of(
                                1,
                                Arbitraries.of(
                                        Instant.ofEpochMilli(Long.MIN_VALUE),
                                        Instant.EPOCH,
                                        AT.minus(Duration.ofDays(1)),
                                        AT.minusMillis(1),
                                        AT)),
                        Tuple.of(
                                2,
                                Arbitraries.of(
                                        AT.plusSeconds(5),
                                        AT.plus(NOT_FOUND_GRACE).plusMillis(1),
                                        AT.plus(Duration.ofHours(1)),
                                        AT.plus(MAX_HORIZON))),
                        Tuple.of(
                                1,
                                Arbitraries.of(
                                        AT.plus(MAX_HORIZON).plusMillis(1),
                                        AT.plus(MAX_HORIZON)
                                                .plus(NOT_FOUND_GRACE)
                                                .plusMillis(1),
                                        AT.plus(Duration.ofDays(365)),
                                        Instant.ofEpochMilli(YEAR_9999),
                                        Instant.ofEpochMilli(Long.MAX_VALUE))))
                .edgeCases(ordinary -> ordinary.filter(Objects::isNull));
    }

    /**
     * deadlineAt: none, passed, passed only once the clock moved on past the start-up hold, or ahead.
     * Edge cases: none, passed an hour ago, passed only past the start-up hold.
     */
    private static Arbitrary<Instant> deadlines() {
        return Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.<Instant>just(null)),
                        Tuple.of(2, Arbitraries.of(AT.minus(Duration.ofHours(1)), AT.minusMillis(1), AT)),
                        Tuple.of(1, Arbitraries.of(AT.plusSeconds(5), AT.plus(NOT_FOUND_GRACE))),
                        Tuple.of(
                                1,
                                Arbitraries.of(
                                        AT.plus(NOT_FOUND_GRACE).plusMillis(1),
                                        AT.plus(Duration.ofHours(1)),
                                        Instant.ofEpochMilli(YEAR_9999))))
                .edgeCases(edgeCases -> edgeCases.filter(deadline -> deadline == null
                        || deadline.equals(AT.minus(Duration.ofHours(1)))
                        || deadline.equals(AT.plusSeconds(5))));
    }

    /** Mostly the given ids, now and then one that no record may carry. */
    private static Arbitrary<String> ids(String... usual) {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.of(usual)), Tuple.of(1, unusableIds()));
    }

    /** Blank, over-long (CancelPolicy.MAX_ID_LENGTH), or with a control character. */
    private static Arbitrary<String> unusableIds() {
        return Arbitraries.of("", " ", "run-1\u0000x", "al\u001bice", "r".repeat(257));
    }

    /**
     * The bytes a recipe makes: noise, or a valid record framed with the driver's own registry, so
     * that its mutations get past the framing and reach the Avro decoder.
     */
    private static byte[] value(CancelDriver cancel, ValueRecipe recipe) {
        if (recipe == null) {
            return null;
        }
        if (recipe.valid() == null) {
            return recipe.noise();
        }
        byte[] bytes;
        if (recipe.valid() instanceof CancelCommand command) {
            bytes = serialize(cancel.topics.commands, command);
        } else if (recipe.valid() instanceof RunState state) {
            bytes = serialize(cancel.topics.runStates, state);
        } else {
            bytes = serialize(cancel.topics.operators, (OperatorGrant) recipe.valid());
        }
        Random random = new Random(recipe.seed());
        for (int i = 0; i < recipe.mutations(); i++) {
            bytes = mutate(bytes, random);
        }
        return bytes;
    }

    private static <V> byte[] serialize(Topics.Topic<V> topic, V value) {
        Serializer<V> serializer = topic.valueSerde().serializer();
        return serializer.serialize(topic.name(), value);
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        if (bytes.length == 0) {
            return new byte[] {(byte) random.nextInt()};
        }
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(4)) {
            case 0 -> { // flip a bit
                byte[] flipped = bytes.clone();
                flipped[at] ^= (byte) (1 << random.nextInt(8));
                yield flipped;
            }
            case 1 -> Arrays.copyOf(bytes, at); // truncate
            case 2 -> { // a long varint where a length may be: claims a huge string, array or map
                byte[] grown = Arrays.copyOf(bytes, bytes.length + 4);
                System.arraycopy(bytes, at, grown, at + 4, bytes.length - at);
                grown[at] = (byte) 0xfe;
                grown[at + 1] = (byte) 0xff;
                grown[at + 2] = (byte) 0xff;
                grown[at + 3] = (byte) 0x0f;
                yield grown;
            }
            default -> { // insert a random byte
                byte[] grown = Arrays.copyOf(bytes, bytes.length + 1);
                System.arraycopy(bytes, at, grown, at + 1, bytes.length - at);
                grown[at] = (byte) random.nextInt();
                yield grown;
            }
        };
    }
}
