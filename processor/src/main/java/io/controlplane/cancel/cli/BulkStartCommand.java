package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.decision.Ids;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bulk-cancel",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = 1, // 2 means rejected to scripts: a usage error is an error
        description = {
            "Cancel every run of one tenant that matches a filter: publish a bulk cancel command (a START, keyed by "
                    + "its bulkId) that every task of the processor carries out on the runs it holds. The bulkId is "
                    + "printed first (bulk-control --bulk ID pauses, resumes or aborts it).",
            "With --wait, follow its progress until it ends: one line, summed over the partitions (rewritten in "
                    + "place on a terminal, one line per change otherwise). A dry run cancels nothing and always "
                    + "waits, to say how many it would cancel.",
            "Exit codes: 0 sent (without --wait) or done on every partition, 2 rejected (its code is printed; also "
                    + "when not sent because the processor would refuse it, e.g. more than 10,000 ids), 3 not ended "
                    + "within --timeout (the bulk goes on), 4 aborted (by bulk-control --abort), 1 error.",
            "A START of a bulkId the processor has seen before produces nothing at all: with --wait it ends with "
                    + "exit code 3."
        })
final class BulkStartCommand extends KafkaOperatorCommand {

    static final int DONE = 0;
    static final int REJECTED = BulkCommands.REJECTED;
    static final int NOT_ENDED = 3;
    static final int ABORTED = 4;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant whose runs it cancels.")
    String tenantId;

    @Option(
            names = "--status",
            split = ",",
            paramLabel = "S",
            description = "Only runs in one of these statuses, e.g. QUEUED,RUNNING (default: every status a run can "
                    + "be cancelled in).")
    List<RunStatus> statuses = List.of();

    @Option(
            names = "--ids-file",
            paramLabel = "F",
            description = "Only the runs listed in this file: one executionId per line, blank lines and lines "
                    + "starting with # skipped, at most 10,000 ids.")
    Path idsFile;

    @Option(
            names = "--updated-before",
            paramLabel = "ISO|-DURATION",
            converter = UpdatedBeforeConverter.class,
            description = "Only runs updated before this instant: ISO-8601 (2026-11-25T18:00:00Z), or -DURATION "
                    + "before now (-2h, -30m).")
    Instant updatedBefore;

    @Option(names = "--by", required = true, paramLabel = "ACTOR", description = "The actor asking (cancelledBy).")
    String actor;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, at most 1,024 characters.")
    String reason;

    @Option(names = "--dry-run", description = "Count what it would cancel, cancel nothing; waits as --wait does.")
    boolean dryRun;

    @Option(
            names = "--token",
            paramLabel = "JWT",
            description = "Signed mode: the actor's token, sent as the 'authorization: Bearer <JWT>' header and "
                    + "never printed. When it has a jti, that is the bulkId (the processor requires it). "
                    + "Out of the process list: put '--token JWT' in a private file and pass @FILE.")
    String token;

    @Option(
            names = "--bulk-id",
            paramLabel = "ID",
            description = "The bulk's id (default: the token's jti if it has one, else a fresh UUID).")
    String bulkId;

    @Option(names = "--wait", description = "Follow the bulk's progress until every partition has ended.")
    boolean await;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long --wait waits for the end, e.g. 30s, 2m (default: ${DEFAULT-VALUE}); the bulk "
                    + "goes on after it.")
    Duration timeout;

    /** Whether stdout is a terminal, where the progress line is rewritten in place; replaced in tests. */
    boolean terminal = System.console() != null;

    @Override
    int run(OperatorClients clients, PrintWriter out, PrintWriter err) {
        List<String> executionIds = idsFile == null ? List.of() : IdsFile.read(idsFile);
        String id = bulkId != null
                ? bulkId
                : BearerToken.tokenId(token).orElseGet(() -> UUID.randomUUID().toString());
        BulkCancelCommand command = BulkCancelCommand.newBuilder()
                .setBulkId(id)
                .setCancelledBy(actor)
                .setReason(reason)
                .setTenantId(tenantId)
                .setStatuses(List.copyOf(statuses))
                .setExecutionIds(executionIds)
                .setUpdatedBefore(updatedBefore)
                .setDryRun(dryRun)
                .setAction(BulkAction.START)
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setTraceId(UUID.randomUUID().toString())
                .build();
        Optional<String> refusal = BulkCommands.refusal(command, token);
        if (refusal.isPresent()) {
            err.println("Not sent: the processor would reject it as " + refusal.get());
            return REJECTED;
        }
        if (!await && !dryRun) {
            BulkCommands.send(clients, command, token);
            out.println(sent(command));
            return DONE;
        }
        int partitions = clients.partitionCount(clients.topics().commands.name());
        BulkProgress progress = new BulkProgress(id, partitions);
        ProgressLine line = new ProgressLine(out, terminal);
        boolean ended;
        try (BulkProgressReader reader = BulkProgressReader.fromNow(clients)) {
            BulkCommands.send(clients, command, token);
            out.println(sent(command));
            out.flush();
            ended = reader.follow(
                    record -> {
                        if (progress.accept(record) && record.getPartition() >= 0) {
                            line.show(progress.line());
                        }
                    },
                    () -> progress.end().isPresent(),
                    Instant.now().plus(timeout));
        }
        line.end();
        if (!ended) {
            out.println(notEnded(progress, id, timeout));
            return NOT_ENDED;
        }
        return switch (progress.end().orElseThrow()) {
            case REJECTED -> {
                out.println(BulkProgress.rejected(progress.rejection()));
                yield REJECTED;
            }
            case ABORTED -> {
                out.println("ABORTED bulk " + id + ": " + cancelled(progress, dryRun) + " before it was aborted");
                yield ABORTED;
            }
            case DONE -> {
                out.println(
                        dryRun
                                ? "dry run: would cancel " + progress.matched()
                                : "DONE bulk " + id + ": " + cancelled(progress, false) + " on " + partitions
                                        + " partitions");
                yield DONE;
            }
        };
    }

    /** The bulkId given; else a token bound to one bulk names it (its jti); else a fresh one. */
    static String bulkIdFor(String given, String token) {
        return given != null
                ? given
                : BearerToken.tokenId(token).orElseGet(() -> UUID.randomUUID().toString());
    }

    static String sent(BulkCancelCommand command) {
        return "bulk " + command.getBulkId() + " sent (tenant " + Ids.quote(command.getTenantId()) + ", by "
                + Ids.quote(command.getCancelledBy()) + (command.getDryRun() ? ", dry run" : "") + ")";
    }

    private static String cancelled(BulkProgress progress, boolean dryRun) {
        return dryRun ? "would cancel " + progress.matched() : "cancelled " + progress.cancelled() + " runs";
    }

    static String notEnded(BulkProgress progress, String bulkId, Duration timeout) {
        if (!progress.heard()) {
            return "NO PROGRESS of bulk " + bulkId + " within " + Text.duration(timeout)
                    + ": is the processor running and caught up? (a repeated bulkId gets none)";
        }
        return "NOT ENDED within " + Text.duration(timeout) + ": bulk " + bulkId + " goes on (bulk-control --bulk "
                + bulkId + " --pause|--abort to stop it)";
    }
}
