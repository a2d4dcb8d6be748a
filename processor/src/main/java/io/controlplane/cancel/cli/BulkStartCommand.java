package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.client.BulkCancelRequest;
import io.controlplane.cancel.client.BulkCancels;
import io.controlplane.cancel.client.BulkCounts;
import io.controlplane.cancel.client.BulkOutcome;
import io.controlplane.cancel.client.BulkProgress;
import io.controlplane.cancel.client.BulkProgressListener;
import io.controlplane.cancel.decision.Ids;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
        BulkCancelRequest request = BulkCancelRequest.of(tenantId, actor)
                .withReason(reason)
                .withStatuses(statuses)
                .withExecutionIds(idsFile == null ? List.of() : IdsFile.read(idsFile))
                .updatedBefore(updatedBefore)
                .withBulkId(bulkIdFor(bulkId, token));
        if (dryRun) {
            request = request.asDryRun();
        }
        Optional<String> refusal = BulkCommands.refusal(BulkCommands.startOf(request), token);
        if (refusal.isPresent()) {
            err.println("Not sent: the processor would reject it as " + refusal.get());
            return REJECTED;
        }
        try (BulkCancels bulks = BulkCommands.bulkCancels(clients, token, timeout)) {
            if (!await && !dryRun) {
                BulkCommands.await(bulks.send(request));
                out.println(sent(request));
                return DONE;
            }
            Lines lines = new Lines(request, out, terminal);
            BulkOutcome outcome = BulkCommands.await(bulks.start(request, lines));
            lines.end();
            return ended(outcome, out);
        }
    }

    /** The bulk's lines while it is followed: that it was sent, then its progress in one line. */
    private static final class Lines implements BulkProgressListener {

        private final BulkCancelRequest request;
        private final PrintWriter out;
        private final ProgressLine line;

        Lines(BulkCancelRequest request, PrintWriter out, boolean terminal) {
            this.request = request;
            this.out = out;
            this.line = new ProgressLine(out, terminal);
        }

        @Override
        public void onSent(String bulkId) {
            out.println(sent(request));
            out.flush();
        }

        @Override
        public void onProgress(BulkProgress progress) {
            line.show(BulkLines.progress(progress));
        }

        /** Ends the progress line, so that the outcome's line is one of its own. */
        void end() {
            line.end();
        }
    }

    /** Prints how the bulk ended; its exit code. */
    private static int ended(BulkOutcome outcome, PrintWriter out) {
        if (outcome instanceof BulkOutcome.TimedOut timedOut) {
            out.println(notEnded(timedOut));
            return NOT_ENDED;
        }
        if (outcome instanceof BulkOutcome.Rejected rejected) {
            out.println(BulkLines.rejected(rejected.code(), rejected.bulkId(), rejected.message()));
            return REJECTED;
        }
        if (outcome instanceof BulkOutcome.Aborted aborted) {
            out.println("ABORTED bulk " + aborted.bulkId() + ": " + cancelled(aborted.counts(), aborted.dryRun())
                    + " before it was aborted");
            return ABORTED;
        }
        BulkOutcome.Done done = (BulkOutcome.Done) outcome;
        out.println(
                done.dryRun()
                        ? "dry run: would cancel " + done.counts().matched()
                        : "DONE bulk " + done.bulkId() + ": " + cancelled(done.counts(), false) + " on "
                                + done.partitions() + " partitions");
        return DONE;
    }

    /** The bulkId given; else a token bound to one bulk names it (its jti); else a fresh one. */
    static String bulkIdFor(String given, String token) {
        return given != null
                ? given
                : BearerToken.tokenId(token).orElseGet(() -> UUID.randomUUID().toString());
    }

    static String sent(BulkCancelRequest request) {
        return "bulk " + request.bulkId() + " sent (tenant " + Ids.quote(request.tenantId()) + ", by "
                + Ids.quote(request.cancelledBy()) + (request.dryRun() ? ", dry run" : "") + ")";
    }

    private static String cancelled(BulkCounts counts, boolean dryRun) {
        return dryRun ? "would cancel " + counts.matched() : "cancelled " + counts.cancelled() + " runs";
    }

    static String notEnded(BulkOutcome.TimedOut timedOut) {
        String bulkId = timedOut.bulkId();
        if (timedOut.soFar().reported() == 0) {
            return "NO PROGRESS of bulk " + bulkId + " within " + Text.duration(timedOut.after())
                    + ": is the processor running and caught up? (a repeated bulkId gets none)";
        }
        return "NOT ENDED within " + Text.duration(timedOut.after()) + ": bulk " + bulkId
                + " goes on (bulk-control --bulk " + bulkId + " --pause|--abort to stop it)";
    }
}
