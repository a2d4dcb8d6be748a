package io.controlplane.cancel.demo;

import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.cli.CancelProcessorCli;
import io.controlplane.cancel.topology.Topics;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The demo's bulk cancel: a few dozen runs of one tenant, a dry run of the operator's
 * {@code bulk-cancel} (the product's command line, run in this JVM as {@code ./cancel-processor}
 * runs it), then the bulk itself with its progress bar, and what it cancelled.
 */
final class BulkPart {

    static final String TENANT = "initech";
    static final String DRY_RUN = "bulk-dry-run";
    static final String BULK = "bulk-1";

    /** The tenant's runs by status: the bulk cancels the QUEUED and RUNNING ones. */
    private static final Map<RunStatus, Integer> RUNS =
            Map.of(RunStatus.QUEUED, 12, RunStatus.RUNNING, 12, RunStatus.WAITING, 8, RunStatus.COMPLETED, 8);

    private static final List<RunStatus> CANCELLED = List.of(RunStatus.QUEUED, RunStatus.RUNNING);
    private static final List<RunStatus> ORDER =
            List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.WAITING, RunStatus.COMPLETED);

    private final PrintStream out;
    private final Map<String, Object> settings;
    private final Topics topics;
    private final Duration deadline;

    BulkPart(PrintStream out, Map<String, Object> settings, Topics topics, Duration deadline) {
        this.out = out;
        this.settings = settings;
        this.topics = topics;
        this.deadline = deadline;
    }

    /**
     * @param token the signed token of the demo's actor for a bulk of that id
     * @return whether the dry run and the bulk said what they should and every matching run was cancelled
     */
    boolean run(Function<String, String> token, KafkaConsumer<String, byte[]> outcomes) throws Exception {
        int matching = CANCELLED.stream().mapToInt(RUNS::get).sum();
        out.println();
        out.println("Bulk cancel: "
                + RUNS.values().stream().mapToInt(Integer::intValue).sum() + " runs of tenant "
                + TENANT + " ("
                + ORDER.stream().map(status -> RUNS.get(status) + " " + status).collect(Collectors.joining(", "))
                + "); alice cancels every QUEUED or RUNNING one.");
        produceRuns();
        awaitConsumed(topics.runStates.name());
        Path config = config();
        String[] filter = {
            "--tenant",
            TENANT,
            "--status",
            "QUEUED,RUNNING",
            "--by",
            "alice",
            "--reason",
            "tenant suspended",
            "--config",
            config.toString()
        };

        out.println("$ ./cancel-processor bulk-cancel --tenant " + TENANT
                + " --status QUEUED,RUNNING --by alice --reason 'tenant suspended' --dry-run --token ...");
        int dry = bulkCancel(concat(filter, "--dry-run", "--token", token.apply(DRY_RUN)));
        out.println("$ ./cancel-processor bulk-cancel --tenant " + TENANT
                + " --status QUEUED,RUNNING --by alice --reason 'tenant suspended' --wait --token ...");
        int bulk = bulkCancel(concat(filter, "--wait", "--token", token.apply(BULK)));

        List<RunStateChange> cancelled = collectCancellations(outcomes, matching);
        printSummary(cancelled);
        boolean complete = dry == 0 && bulk == 0 && cancelled.size() == matching;
        out.println(
                complete
                        ? "All " + matching + " QUEUED and RUNNING runs of " + TENANT
                                + " were cancelled, each once; the others were left as they were."
                        : "The bulk cancelled " + cancelled.size() + " of the " + matching + " runs it should have"
                                + " (dry run exit " + dry + ", bulk exit " + bulk + ").");
        return complete;
    }

    private void produceRuns() {
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = Demo.producer(settings)) {
            for (RunStatus status : ORDER) {
                for (int i = 1; i <= RUNS.get(status); i++) {
                    String id = "run-" + status.name().toLowerCase() + "-" + i;
                    send(producer, topics.runStates, id, new RunState(id, TENANT, status, 1L, now, null, null));
                }
            }
        }
    }

    private static <V extends SpecificRecord> void send(
            KafkaProducer<String, byte[]> producer, Topics.Topic<V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(
                topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    /** A bulk sees the runs its task holds when it reaches it: the runs' states must have been read. */
    private void awaitConsumed(String topic) throws Exception {
        String group = String.valueOf(settings.get(StreamsConfig.APPLICATION_ID_CONFIG));
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)))) {
            List<TopicPartition> partitions =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                            .map(partition -> new TopicPartition(topic, partition.partition()))
                            .toList();
            await().atMost(deadline).pollInterval(Duration.ofMillis(100)).until(() -> {
                Map<TopicPartition, Long> ends = new java.util.HashMap<>();
                admin.listOffsets(partitions.stream()
                                .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest())))
                        .all()
                        .get()
                        .forEach((partition, end) -> ends.put(partition, end.offset()));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                group, new ListConsumerGroupOffsetsOptions().requireStable(true))
                        .partitionsToOffsetAndMetadata()
                        .get();
                return ends.entrySet().stream()
                        .allMatch(end -> end.getValue() == 0
                                || committed.get(end.getKey()) != null
                                        && committed.get(end.getKey()).offset() >= end.getValue());
            });
        }
    }

    /** The settings as a --config file, as an operator passes them to the command line. */
    private Path config() throws IOException {
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        Path file = Files.createTempFile("cancel-demo-cli", ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "the demo processor's settings, for the operator command line");
        }
        return file;
    }

    /** {@code ./cancel-processor bulk-cancel ...} in this JVM: the product's command line, printing here. */
    private int bulkCancel(String... args) {
        PrintWriter printer = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        picocli.CommandLine commandLine = CancelProcessorCli.commandLine();
        commandLine.setOut(printer);
        commandLine.setErr(printer);
        int exit = commandLine.execute(concat(new String[] {"bulk-cancel"}, args));
        printer.flush();
        return exit;
    }

    /** The bulk's cancellations, read until there are {@code expected} or the deadline passed. */
    private List<RunStateChange> collectCancellations(KafkaConsumer<String, byte[]> consumer, int expected) {
        List<RunStateChange> cancelled = new ArrayList<>();
        try {
            await().pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .atMost(deadline)
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            if (record.topic().equals(topics.runStateChanges.name())) {
                                RunStateChange change = topics.runStateChanges
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(record.topic(), record.value());
                                if (change.getCommandId().startsWith(BULK + "/")) {
                                    cancelled.add(change);
                                }
                            }
                        }
                        return cancelled.size() >= expected;
                    });
        } catch (ConditionTimeoutException late) {
            // the summary shows what did arrive, and run() says how many are missing
        }
        return cancelled;
    }

    private void printSummary(List<RunStateChange> cancelled) {
        Map<RunStatus, Long> byStatus = new EnumMap<>(RunStatus.class);
        cancelled.forEach(change -> byStatus.merge(change.getPreviousStatus(), 1L, Long::sum));
        String format = "%-8s %-8s %-10s %4s %9s%n";
        out.println();
        out.printf(format, "BULK", "TENANT", "STATUS", "RUNS", "CANCELLED");
        for (RunStatus status : ORDER) {
            out.printf(format, BULK, TENANT, status, RUNS.get(status), byStatus.getOrDefault(status, 0L));
        }
        out.println();
    }

    private static String[] concat(String[] first, String... then) {
        String[] all = new String[first.length + then.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(then, 0, all, first.length, then.length);
        return all;
    }
}
