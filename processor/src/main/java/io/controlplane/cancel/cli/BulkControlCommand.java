package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.client.BulkCancels;
import io.controlplane.cancel.client.BulkControlOutcome;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bulk-control",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = 1, // 2 means rejected to scripts: a usage error is an error
        description = {
            "Pause, resume or abort a bulk cancel: publish the PAUSE, RESUME or ABORT of the bulk (keyed by its "
                    + "bulkId), then wait until a task acknowledges it (its progress record in the new state) or "
                    + "it is refused. Pause stops every task after its current turn, resume continues, abort ends the "
                    + "bulk for good (what was cancelled stays cancelled).",
            "Exit codes: 0 acknowledged, 2 rejected (its code is printed: e.g. EXECUTION_NOT_FOUND for a bulk never "
                    + "started, ALREADY_TERMINAL to resume an aborted one), 3 no answer within --timeout (also a "
                    + "bulk already in that state, or ended on every partition: neither answers), 1 error."
        })
final class BulkControlCommand extends KafkaOperatorCommand {

    static final int ACKNOWLEDGED = 0;
    static final int REJECTED = BulkCommands.REJECTED;
    static final int NO_ANSWER = 3;

    /** Exactly one of the three. */
    static final class Action {
        @Option(names = "--pause", required = true, description = "Stop every task after its current turn.")
        boolean pause;

        @Option(names = "--resume", required = true, description = "Continue a paused bulk.")
        boolean resume;

        @Option(names = "--abort", required = true, description = "End the bulk for good.")
        boolean abort;

        BulkAction action() {
            return pause ? BulkAction.PAUSE : resume ? BulkAction.RESUME : BulkAction.ABORT;
        }
    }

    @Option(
            names = "--bulk",
            required = true,
            paramLabel = "ID",
            description = "The bulk's id, as bulk-cancel printed it.")
    String bulkId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @Option(names = "--by", required = true, paramLabel = "ACTOR", description = "The actor asking (cancelledBy).")
    String actor;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, at most 1,024 characters.")
    String reason;

    @Option(
            names = "--token",
            paramLabel = "JWT",
            description = "Signed mode: the actor's token, sent as the 'authorization: Bearer <JWT>' header and "
                    + "never printed; a token with a jti must name this bulk. "
                    + "Out of the process list: put '--token JWT' in a private file and pass @FILE.")
    String token;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for the answer, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    int run(OperatorClients clients, PrintWriter out, PrintWriter err) {
        BulkAction requested = action.action();
        BulkCancelCommand command = BulkCancelCommand.newBuilder()
                .setBulkId(bulkId)
                .setCancelledBy(actor)
                .setReason(reason)
                .setAction(requested)
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
        Optional<String> refusal = BulkCommands.refusal(command, token);
        if (refusal.isPresent()) {
            err.println("Not sent: the processor would reject it as " + refusal.get());
            return REJECTED;
        }
        BulkControlOutcome answer;
        try (BulkCancels bulks = BulkCommands.bulkCancels(clients, token, timeout)) {
            answer = BulkCommands.await(bulks.control(bulkId, requested, actor, reason));
        }
        if (answer instanceof BulkControlOutcome.TimedOut none) {
            out.println("NO ANSWER to " + requested + " of bulk " + bulkId + " within " + Text.duration(none.after())
                    + ": is the processor running and caught up? (a bulk already " + none.awaited()
                    + ", or ended on every partition, gives none)");
            return NO_ANSWER;
        }
        if (answer instanceof BulkControlOutcome.Rejected rejected) {
            out.println(BulkLines.rejected(rejected.code(), rejected.bulkId(), rejected.message()));
            return REJECTED;
        }
        BulkControlOutcome.Acknowledged acknowledged = (BulkControlOutcome.Acknowledged) answer;
        out.println(acknowledged.state() + " bulk " + bulkId + " (acknowledged first by partition "
                + acknowledged.partition() + ": scanned "
                + acknowledged.counts().scanned() + ", cancelled "
                + acknowledged.counts().cancelled() + ")");
        return ACKNOWLEDGED;
    }
}
