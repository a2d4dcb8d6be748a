package io.controlplane.cancel.demo;

import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.topology.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The demo's cancellation over time: a graceful cancel the executor confirms, one it ignores (forced
 * when its short grace ends), and a run whose deadline passes, each as the run-state changes show it.
 */
final class OverTimePart {

    /** Stops when asked: upstream reports it CANCELLED once its CANCELLING is out. */
    static final String CONFIRMED = "run-drain";
    /** Never stops: forced when its grace ends. */
    static final String ESCALATED = "run-stuck";
    /** Nobody cancels it: its deadline passes. */
    static final String DEADLINE = "run-late";

    static final String CONFIRMED_COMMAND = "cmd-graceful-1";
    static final String ESCALATED_COMMAND = "cmd-graceful-2";

    /** The ignored graceful cancel's grace: short, so that the demo sees it end. */
    static final Duration SHORT_GRACE = Duration.ofSeconds(2);
    /** How far ahead of now the run state puts its deadline. */
    static final Duration DEADLINE_AHEAD = Duration.ofSeconds(3);

    private static final Set<String> RUNS = Set.of(CONFIRMED, ESCALATED, DEADLINE);

    private final PrintStream out;
    private final Map<String, Object> settings;
    private final Topics topics;
    private final Duration deadline;

    OverTimePart(PrintStream out, Map<String, Object> settings, Topics topics, Duration deadline) {
        this.out = out;
        this.settings = settings;
        this.topics = topics;
        this.deadline = deadline;
    }

    /**
     * @param sign the signed identity of a command's actor, as its authorization header
     * @return whether each run ended as it should: confirmed not escalated, forced escalated, cancelled
     *     by its deadline, each with one CANCELLED
     */
    boolean run(Function<CancelCommand, Header> sign, KafkaConsumer<String, byte[]> outcomes) {
        out.println();
        out.println("Cancellation over time: alice asks " + CONFIRMED + " and " + ESCALATED + " to stop gracefully ("
                + ESCALATED + " with a grace of " + SHORT_GRACE.toSeconds() + " s); " + DEADLINE
                + " has a deadline " + DEADLINE_AHEAD.toSeconds() + " s ahead.");
        Instant start = Instant.now();
        try (KafkaProducer<String, byte[]> producer = Demo.producer(settings)) {
            for (String run : List.of(CONFIRMED, ESCALATED)) {
                Demo.send(
                        producer,
                        topics.runStates,
                        run,
                        new RunState(run, "acme", RunStatus.RUNNING, 1L, start, null, null));
            }
            Demo.send(
                    producer,
                    topics.runStates,
                    DEADLINE,
                    new RunState(DEADLINE, "acme", RunStatus.RUNNING, 1L, start, null, start.plus(DEADLINE_AHEAD)));
            producer.flush();
            CancelCommand confirmed = graceful(CONFIRMED_COMMAND, CONFIRMED, null, "drain, then stop", start);
            CancelCommand escalated =
                    graceful(ESCALATED_COMMAND, ESCALATED, SHORT_GRACE.toMillis(), "stuck, stop it", start);
            Demo.send(producer, topics.commands, CONFIRMED, confirmed, sign.apply(confirmed));
            Demo.send(producer, topics.commands, ESCALATED, escalated, sign.apply(escalated));
        }

        List<Row> rows = new ArrayList<>();
        collect(
                outcomes,
                rows,
                start,
                seen -> seen.stream()
                        .anyMatch(row -> row.change().getExecutionId().equals(CONFIRMED)
                                && row.change().getStatus() == RunStatus.CANCELLING));
        boolean asked = rows.stream()
                .anyMatch(row -> row.change().getExecutionId().equals(CONFIRMED)
                        && row.change().getStatus() == RunStatus.CANCELLING);
        if (asked) {
            // the executor stops the run, and says so on the run states as it does for any end
            try (KafkaProducer<String, byte[]> producer = Demo.producer(settings)) {
                Demo.send(
                        producer,
                        topics.runStates,
                        CONFIRMED,
                        new RunState(CONFIRMED, "acme", RunStatus.CANCELLED, 2L, Instant.now(), null, null));
            }
            out.println("The executor stops " + CONFIRMED + " and reports it CANCELLED on the run states.");
        }
        collect(outcomes, rows, start, seen -> RUNS.stream().allMatch(run -> cancelled(seen, run) != null));
        printTable(rows);

        RunStateChange graceful = cancelled(rows, CONFIRMED);
        RunStateChange forced = cancelled(rows, ESCALATED);
        RunStateChange passed = cancelled(rows, DEADLINE);
        boolean complete = graceful != null
                && !graceful.getEscalated()
                && graceful.getPreviousStatus() == RunStatus.CANCELLING
                && forced != null
                && forced.getEscalated()
                && passed != null
                && passed.getCommandId().equals("deadline/" + DEADLINE)
                && RUNS.stream()
                        .allMatch(run -> rows.stream()
                                        .filter(row ->
                                                row.change().getExecutionId().equals(run)
                                                        && row.change().getStatus() == RunStatus.CANCELLED)
                                        .count()
                                == 1);
        out.println(
                complete
                        ? CONFIRMED + " stopped gracefully, " + ESCALATED + " was forced when its grace ended, and "
                                + DEADLINE + " was cancelled when its deadline passed: one CANCELLED each."
                        : "Cancellation over time did not end as it should: " + rows.size() + " run-state changes.");
        return complete;
    }

    private static CancelCommand graceful(
            String commandId, String executionId, Long graceMs, String reason, Instant now) {
        return new CancelCommand(
                commandId, executionId, "alice", reason, now, "trace-" + commandId, CancelMode.GRACEFUL, graceMs, null);
    }

    /** A run-state change of this part, and when it was read after the part began. */
    private record Row(RunStateChange change, Duration after) {}

    /** The run's CANCELLED among {@code rows}, or null. */
    private static RunStateChange cancelled(List<Row> rows, String executionId) {
        return rows.stream()
                .map(Row::change)
                .filter(change ->
                        change.getExecutionId().equals(executionId) && change.getStatus() == RunStatus.CANCELLED)
                .findFirst()
                .orElse(null);
    }

    /** Reads this part's run-state changes into {@code rows} until {@code enough} or the deadline passed. */
    private void collect(
            KafkaConsumer<String, byte[]> consumer, List<Row> rows, Instant start, Predicate<List<Row>> enough) {
        try {
            // the consumer is polled on this thread only: it must not be used from two
            await().pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .atMost(deadline)
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            if (record.topic().equals(topics.runStateChanges.name())) {
                                RunStateChange change = topics.runStateChanges
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(record.topic(), record.value());
                                if (RUNS.contains(change.getExecutionId())) {
                                    rows.add(new Row(change, Duration.between(start, Instant.now())));
                                }
                            }
                        }
                        return enough.test(rows);
                    });
        } catch (ConditionTimeoutException late) {
            // the table shows what did arrive, and run() says what is missing
        }
    }

    private void printTable(List<Row> rows) {
        String format = "%-6s %-18s %-9s %-21s %-10s %s%n";
        out.println();
        out.printf(format, "AFTER", "COMMAND", "EXECUTION", "BY", "STATUS", "DETAIL");
        for (Row row : rows) {
            RunStateChange change = row.change();
            out.printf(
                    format,
                    String.format(Locale.ROOT, "%.1fs", row.after().toMillis() / 1000.0),
                    change.getCommandId(),
                    change.getExecutionId(),
                    change.getCancelledBy(),
                    change.getStatus(),
                    change.getPreviousStatus() + " -> " + change.getStatus() + ", version " + change.getVersion()
                            + (change.getEscalated() ? ", escalated" : "") + ": " + change.getReason());
        }
        out.println();
    }
}
