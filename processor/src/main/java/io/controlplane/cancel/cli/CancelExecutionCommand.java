package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.client.CancelClient;
import io.controlplane.cancel.client.CancelOutcome;
import io.controlplane.cancel.client.CancelRequest;
import io.controlplane.cancel.client.SentCommand;
import io.controlplane.cancel.decision.CommandValidation;
import io.controlplane.cancel.decision.Ids;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = 1, // 2 means rejected to scripts: a usage error is an error
        description = {
            "Cancel a run: publish a cancel command for it (a fresh commandId and traceId, keyed by the "
                    + "executionId and placed on the partition cancel.partitioner gives it, beside its run's state), "
                    + "then wait for the processor's outcome and print it in one line.",
            "--graceful asks the run to stop (the processor writes CANCELLING, printed when it comes) and waits "
                    + "for how that ends: the run's CANCELLED, gracefully (upstream confirmed it stopped) or "
                    + "escalated (forced when its grace ended, or by another command), or upstream reporting that "
                    + "the run ended otherwise (read from the run's partition of the run-states topic).",
            "--at judges the command later: only a refusal comes at once; once the processor's consumer group "
                    + "has committed an offset past the command with no refusal, it prints SCHEDULED and ends. "
                    + "Follow it with status or watch.",
            "Exit codes: 0 cancelled (for --graceful: gracefully or escalated, as printed) or, with --at, "
                    + "scheduled; 2 rejected (its code is printed); 3 no outcome within --timeout (the processor is "
                    + "not running or is behind; with --graceful, also a run still CANCELLING then; with --at, the "
                    + "processor had not read the command by then); 5 the run ended otherwise while CANCELLING "
                    + "(upstream reported COMPLETED, FAILED or ABORTED after the CANCELLING; not cancelled); "
                    + "1 error or usage error (nothing decided).",
            "A command the processor has seen before (the same actor and commandId, e.g. a token with that "
                    + "jti sent twice) is a duplicate: it produces no outcome at all, so it ends with exit code 3 "
                    + "(with --at, it is not told from a scheduled one); so does a --graceful command for a run "
                    + "that is CANCELLING already."
        })
final class CancelExecutionCommand extends KafkaOperatorCommand {

    static final int CANCELLED = 0;
    static final int REJECTED = 2;
    static final int NO_OUTCOME = 3;
    static final int ENDED_OTHERWISE = 5;

    /** How often the processor's committed offsets are asked for while waiting. */
    private static final Duration PROGRESS_CHECK = Duration.ofMillis(250);

    @Option(names = "--execution", required = true, paramLabel = "ID", description = "The run's executionId.")
    String executionId;

    @Option(names = "--by", required = true, paramLabel = "ACTOR", description = "The actor asking (cancelledBy).")
    String actor;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, at most 1,024 characters.")
    String reason;

    @Option(
            names = "--token",
            paramLabel = "JWT",
            description = "Signed mode: the actor's token, sent as the 'authorization: Bearer <JWT>' header and "
                    + "never printed. When it has a jti, that is the commandId (the processor requires it). "
                    + "Out of the process list: put '--token JWT' in a private file and pass @FILE.")
    String token;

    @ArgGroup(exclusive = false)
    Graceful graceful;

    /** {@code --graceful [--grace DURATION]}: --grace alone is a usage error. */
    static final class Graceful {

        @Option(
                names = "--graceful",
                required = true,
                description = "Ask the run to stop, and force it (CANCELLED, escalated) only if it has not stopped "
                        + "within its grace.")
        boolean graceful;

        @Option(
                names = "--grace",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "With --graceful: how long the run may take to stop, e.g. 90s, 2m (default: the "
                        + "processor's cancel.graceful.timeout.ms; at most cancel.graceful.max-timeout.ms).")
        Duration grace;
    }

    @Option(
            names = "--at",
            paramLabel = "WHEN",
            converter = NotBeforeConverter.class,
            description = "Judge the command then, not now (its notBefore): an ISO-8601 instant such as "
                    + "2026-11-25T18:00:00Z, or +DURATION from now such as +2h (at most "
                    + "cancel.schedule.max-horizon.ms ahead).")
    Instant at;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for the outcome, e.g. 30s, 2m (default: ${DEFAULT-VALUE}); with "
                    + "--graceful, for the end of the graceful cancel too (keep it above the grace). A run not known "
                    + "to the processor is rejected only after cancel.not-found.grace.ms.")
    Duration timeout;

    @Override
    int run(OperatorClients clients, PrintWriter out, PrintWriter err) {
        CancelCommand command = command(Instant.now());
        Optional<CommandValidation.Problem> problem = CommandValidation.problem(executionId, command);
        if (problem.isPresent()) {
            err.println("Not sent: the processor would reject it as INVALID_COMMAND, as "
                    + problem.get().sentence());
            return ERROR;
        }
        if (graceful != null || at != null) {
            return overTime(clients, command, out);
        }
        Optional<CancelOutcome> outcome;
        try (CancelClient client = CancelClientCalls.create(clients, token, timeout)) {
            Instant deadline = Instant.now().plus(timeout);
            outcome = CancelClientCalls.outcome(client.cancel(request(command)), deadline);
        }
        if (outcome.isEmpty()) {
            out.println(noOutcome(command, ""));
            return NO_OUTCOME;
        }
        if (outcome.get() instanceof CancelOutcome.Rejected rejected) {
            out.println(rejected(rejected.rejection()));
            return REJECTED;
        }
        out.println(changeLine(changeOf(outcome.get())));
        return CANCELLED;
    }

    /** The command the options ask for, requested at {@code now}. */
    CancelCommand command(Instant now) {
        return new CancelCommand(
                commandIdFor(token),
                executionId,
                actor,
                reason,
                now.truncatedTo(ChronoUnit.MILLIS),
                UUID.randomUUID().toString(),
                graceful == null ? CancelMode.FORCE : CancelMode.GRACEFUL,
                graceful == null || graceful.grace == null ? null : graceful.grace.toMillis(),
                at);
    }

    /** What the client is asked to send: {@code command} as checked, ids included (the client dates it). */
    private static CancelRequest request(CancelCommand command) {
        CancelRequest request = CancelRequest.of(command.getExecutionId(), command.getCancelledBy())
                .withReason(command.getReason())
                .withCommandId(command.getCommandId())
                .withTraceId(command.getTraceId())
                .notBefore(command.getNotBefore());
        return command.getMode() == CancelMode.GRACEFUL
                ? request.graceful(command.getGraceMs() == null ? null : Duration.ofMillis(command.getGraceMs()))
                : request;
    }

    /** The run-state change a Cancelled or Cancelling outcome carries. */
    private static RunStateChange changeOf(CancelOutcome outcome) {
        return outcome instanceof CancelOutcome.Cancelling cancelling
                ? cancelling.change()
                : ((CancelOutcome.Cancelled) outcome).change();
    }

    /** The command's own outcome as the follow reads it; empty for none. */
    private static Optional<OutcomeReader.Seen> seen(Optional<CancelOutcome> outcome) {
        return outcome.map(decided -> decided instanceof CancelOutcome.Rejected rejected
                ? new OutcomeReader.Rejected(rejected.rejection())
                : new OutcomeReader.Changed(changeOf(decided)));
    }

    /**
     * A graceful or scheduled cancel: what the processor made of the command, which the client
     * answers, and for a graceful one how it ended, which only this reads. What settles a silence is
     * the processor's consumer group having committed an offset past a record (the command, or
     * upstream's report that ended the run): under exactly-once everything it wrote on reading that
     * record is then in, and read up to the outcome topics' ends.
     */
    private int overTime(OperatorClients clients, CancelCommand command, PrintWriter out) {
        CancelFollow follow = new CancelFollow(executionId, command.getCommandId());
        TopicPartition runStates = graceful == null ? null : runStatesPartition(clients);
        // positioned before the command is sent: what follows its first outcome cannot be missed
        try (ProcessorProgress progress = ProcessorProgress.of(clients);
                OutcomeReader outcomes = runStates == null
                        ? OutcomeReader.fromNow(clients)
                        : OutcomeReader.following(clients, executionId, runStates);
                CancelClient client = CancelClientCalls.create(clients, token, timeout)) {
            Instant deadline = Instant.now().plus(timeout);
            CompletableFuture<SentCommand> written = new CompletableFuture<>();
            CompletionStage<CancelOutcome> call = client.cancel(request(command), written::complete);
            // what the reader read while the first outcome was awaited: followed once it has come
            List<OutcomeReader.Seen> read = new ArrayList<>();
            Optional<OutcomeReader.Seen> first;
            if (at == null) {
                first = seen(CancelClientCalls.outcome(call, deadline));
            } else {
                Scheduling scheduling = scheduling(call, written, outcomes, progress, deadline, read);
                if (scheduling == Scheduling.SCHEDULED) {
                    out.println(scheduled(command));
                    return CANCELLED;
                }
                first = scheduling == Scheduling.ANSWERED
                        ? seen(CancelClientCalls.outcome(call, deadline))
                        : Optional.empty();
            }
            if (first.isPresent()) {
                read.add(0, first.get());
                OptionalInt exit = follow(follow, read, outcomes, progress, runStates, deadline, out);
                if (exit.isPresent()) {
                    return exit.getAsInt();
                }
            }
        }
        if (follow.cancelling() != null) {
            out.println("STILL CANCELLING " + Ids.quote(executionId) + " after " + Text.duration(timeout)
                    + ": neither upstream nor the processor has ended it yet (command "
                    + Ids.quote(command.getCommandId()) + "); follow it with status or watch");
        } else if (at != null) {
            out.println("NO ANSWER for command " + Ids.quote(command.getCommandId()) + " on "
                    + Ids.quote(executionId) + " within " + Text.duration(timeout)
                    + ": the processor has not read it yet, so it is not known to be scheduled (is the processor "
                    + "running and caught up?)");
        } else {
            out.println(noOutcome(command, ", nor a graceful cancel of a run CANCELLING already"));
        }
        return NO_OUTCOME;
    }

    /** What became of a command with a notBefore, as far as {@code cancel --at} waits to know. */
    private enum Scheduling {
        /** The processor answered it (a refusal, say): the client has the answer, or is reading it. */
        ANSWERED,
        /** The processor has read it and answered nothing: it holds it for its time. */
        SCHEDULED,
        /** Neither was known by the deadline. */
        NOT_KNOWN
    }

    /**
     * Waits for a scheduled command's first outcome until the processor has read it: once its group
     * has committed past the command with no answer in the outcome topics up to their ends, it has
     * none. What the reader read meanwhile goes to {@code read}.
     */
    private static Scheduling scheduling(
            CompletionStage<CancelOutcome> call,
            CompletableFuture<SentCommand> written,
            OutcomeReader outcomes,
            ProcessorProgress progress,
            Instant deadline,
            List<OutcomeReader.Seen> read) {
        CompletableFuture<CancelOutcome> answer = call.toCompletableFuture();
        while (Instant.now().isBefore(deadline) && !answer.isDone()) {
            Instant nextCheck = Instant.now().plus(PROGRESS_CHECK);
            // waits for the answer until the next check; it is taken from the call once there
            CancelClientCalls.outcome(call, nextCheck.isBefore(deadline) ? nextCheck : deadline);
            SentCommand sent = written.getNow(null);
            Duration left = Duration.between(Instant.now(), deadline);
            if (answer.isDone() || sent == null || !progress.hasReadPast(sent.partition(), sent.offset(), left)) {
                continue;
            }
            if (!readUpToTheEnds(outcomes, progress, deadline, read)) {
                return Scheduling.NOT_KNOWN; // not read up to the ends: a refusal may be there still
            }
            boolean answered = read.stream().anyMatch(seen -> carries(seen, sent.commandId()));
            // the client reads the same committed outcomes: one read here comes to it too
            return answered ? Scheduling.ANSWERED : Scheduling.SCHEDULED;
        }
        return answer.isDone() ? Scheduling.ANSWERED : Scheduling.NOT_KNOWN;
    }

    /** Whether {@code seen} is the outcome of the command {@code commandId}. */
    private static boolean carries(OutcomeReader.Seen seen, String commandId) {
        if (seen instanceof OutcomeReader.Changed changed) {
            return commandId.equals(changed.change().getCommandId());
        }
        return seen instanceof OutcomeReader.Rejected rejected
                && commandId.equals(rejected.rejection().getCommandId());
    }

    /**
     * Follows the command from its first outcome, the head of {@code read}, and prints each step:
     * a CANCELLING goes on until the run's CANCELLED, or upstream's report that it ended otherwise
     * once the processor has taken it. The exit code if the command ended by {@code deadline}.
     */
    private static OptionalInt follow(
            CancelFollow follow,
            List<OutcomeReader.Seen> read,
            OutcomeReader outcomes,
            ProcessorProgress progress,
            TopicPartition runStates,
            Instant deadline,
            PrintWriter out) {
        Instant nextCheck = Instant.now();
        while (true) {
            OptionalInt exit = print(follow, read, out);
            if (exit.isPresent() || !Instant.now().isBefore(deadline)) {
                return exit;
            }
            read.addAll(outcomes.poll(deadline));
            if (Instant.now().isBefore(nextCheck)) {
                continue;
            }
            nextCheck = Instant.now().plus(PROGRESS_CHECK);
            Optional<OutcomeReader.RunStateSeen> ended = follow.endedOtherwise();
            if (ended.isPresent()
                    && progress.hasReadPast(
                            runStates, ended.get().offset(), Duration.between(Instant.now(), deadline))) {
                // the processor took upstream's report: whatever it wrote before is in by now
                boolean atTheEnds = readUpToTheEnds(outcomes, progress, deadline, read);
                exit = print(follow, read, out);
                if (exit.isPresent() || !atTheEnds) {
                    return exit;
                }
                CancelFollow.Step last = follow.endedOtherwise(ended.get());
                out.println(last.line());
                return last.exitCode();
            }
        }
    }

    /**
     * Reads the outcome topics into {@code read} up to their ends as written now, or until {@code
     * deadline}; whether it got there.
     */
    private static boolean readUpToTheEnds(
            OutcomeReader outcomes, ProcessorProgress progress, Instant deadline, List<OutcomeReader.Seen> read) {
        Map<TopicPartition, Long> ends = progress.ends(outcomes.outcomePartitions());
        while (!outcomes.hasRead(ends)) {
            if (!Instant.now().isBefore(deadline)) {
                return false;
            }
            read.addAll(outcomes.poll(deadline));
        }
        return true;
    }

    /** Follows and prints what was read, in its order, and clears it; the exit code if that ended the command. */
    private static OptionalInt print(CancelFollow follow, List<OutcomeReader.Seen> read, PrintWriter out) {
        try {
            for (OutcomeReader.Seen record : read) {
                Optional<CancelFollow.Step> step = follow.seen(record);
                if (step.isPresent()) {
                    out.println(step.get().line());
                    out.flush();
                    if (step.get().exitCode().isPresent()) {
                        return step.get().exitCode();
                    }
                }
            }
            return OptionalInt.empty();
        } finally {
            read.clear();
        }
    }

    /** The partition of the run-states topic upstream writes this run to: cancel.partitioner's. */
    private TopicPartition runStatesPartition(OperatorClients clients) {
        String runStates = clients.topics().runStates.name();
        try (Consumer<byte[], byte[]> consumer = clients.consumer()) {
            int partitions = clients.partitionsOf(consumer, List.of(runStates)).size();
            return new TopicPartition(
                    runStates,
                    clients.config().partitioner().partition(executionId.getBytes(StandardCharsets.UTF_8), partitions));
        }
    }

    private String noOutcome(CancelCommand command, String alsoNone) {
        return "NO OUTCOME for command " + Ids.quote(command.getCommandId()) + " on " + Ids.quote(executionId)
                + " within " + Text.duration(timeout) + ": is the processor running and caught up? (a duplicate "
                + "command gets none" + alsoNone + ")";
    }

    static String scheduled(CancelCommand command) {
        return "SCHEDULED " + Ids.quote(command.getExecutionId()) + " at " + command.getNotBefore() + " (command "
                + Ids.quote(command.getCommandId()) + ")";
    }

    /** A token bound to one command (its jti) names the commandId; otherwise any fresh id will do. */
    static String commandIdFor(String token) {
        return BearerToken.tokenId(token).orElseGet(() -> UUID.randomUUID().toString());
    }

    /**
     * A run-state change in one line, led by its status: CANCELLED, or CANCELLING (a graceful cancel
     * began); {@code , escalated} when the processor forced a run asked to stop gracefully.
     */
    static String changeLine(RunStateChange change) {
        return change.getStatus() + " " + Ids.quote(change.getExecutionId()) + " (tenant "
                + Ids.quote(change.getTenantId()) + ", was " + change.getPreviousStatus() + ", now version "
                + change.getVersion() + ") by " + Ids.quote(change.getCancelledBy()) + " at " + change.getCancelledAt()
                + ", command " + Ids.quote(change.getCommandId()) + (change.getEscalated() ? ", escalated" : "");
    }

    static String rejected(CancelRejection rejection) {
        return "REJECTED " + rejection.getCode() + " " + Ids.quote(rejection.getExecutionId()) + ": "
                + Text.clean(rejection.getMessage()) + " (command " + Ids.quote(rejection.getCommandId()) + ")";
    }
}
