package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.CommandValidation;
import io.controlplane.cancel.decision.Ids;
import io.controlplane.cancel.topology.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
            "Exit codes: 0 cancelled, 2 rejected (its code is printed), 3 no outcome within --timeout "
                    + "(the processor is not running or is behind), 1 error (nothing decided).",
            "A command the processor has seen before (the same actor and commandId, e.g. a token with that "
                    + "jti sent twice) is a duplicate: it produces no outcome at all, so it ends with exit code 3."
        })
final class CancelExecutionCommand extends KafkaOperatorCommand {

    static final int CANCELLED = 0;
    static final int REJECTED = 2;
    static final int NO_OUTCOME = 3;

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

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for the outcome, e.g. 30s, 2m (default: ${DEFAULT-VALUE}). A run "
                    + "not known to the processor is rejected only after cancel.not-found.grace.ms.")
    Duration timeout;

    @Override
    int run(OperatorClients clients, PrintWriter out, PrintWriter err) {
        CancelCommand command = new CancelCommand(
                commandIdFor(token),
                executionId,
                actor,
                reason,
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                UUID.randomUUID().toString(),
                CancelMode.FORCE,
                null,
                null);
        Optional<CommandValidation.Problem> problem = CommandValidation.problem(executionId, command);
        if (problem.isPresent()) {
            err.println("Not sent: the processor would reject it as INVALID_COMMAND, as "
                    + problem.get().sentence());
            return ERROR;
        }
        Optional<OutcomeReader.Outcome> outcome;
        try (OutcomeReader outcomes = OutcomeReader.fromNow(clients)) {
            send(clients, command);
            outcome = outcomes.await(command.getCommandId(), Instant.now().plus(timeout));
        }
        if (outcome.isEmpty()) {
            out.println("NO OUTCOME for command " + Ids.quote(command.getCommandId()) + " on "
                    + Ids.quote(executionId) + " within " + Text.duration(timeout)
                    + ": is the processor running and caught up? (a duplicate command gets none)");
            return NO_OUTCOME;
        }
        if (outcome.get().cancellation() != null) {
            out.println(changeLine(outcome.get().cancellation()));
            return CANCELLED;
        }
        out.println(rejected(outcome.get().rejection()));
        return REJECTED;
    }

    private void send(OperatorClients clients, CancelCommand command) {
        Topics.Topic<CancelCommand> commands = clients.topics().commands;
        RecordHeaders headers = BearerToken.headers(token);
        byte[] value = commands.valueSerde().serializer().serialize(commands.name(), headers, command);
        try (Producer<String, byte[]> producer = clients.producer()) {
            // where upstream's partitioner put the run's state, whichever client wrote it
            int partition = clients.config()
                    .partitioner()
                    .partition(
                            executionId.getBytes(StandardCharsets.UTF_8),
                            producer.partitionsFor(commands.name()).size());
            clients.delivered(
                    producer.send(new ProducerRecord<>(commands.name(), partition, executionId, value, headers)),
                    "the cancel command");
        }
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
