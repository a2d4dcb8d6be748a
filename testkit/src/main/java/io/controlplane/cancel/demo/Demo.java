package io.controlplane.cancel.demo;

import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.testkit.EmbeddedKafka;
import io.controlplane.cancel.topology.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A short scenario on a real embedded broker: one accepted cancel and one command for each
 * rejection code, a repeated command and an undecodable record, then a table of what came out.
 */
public final class Demo {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final PrintStream out;

    public Demo(PrintStream out) {
        this.out = out;
    }

    /** @return whether every expected outcome arrived */
    public boolean run() throws Exception {
        out.println("Starting a single-node KRaft Kafka broker in this JVM ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, Object> settings = settings(kafka.bootstrapServers());
            CancelProcessorConfig config = new CancelProcessorConfig(settings);
            Topics topics = new Topics(config);
            kafka.createTopics(config, 3);
            List<String> expected = produceScenario(settings, topics);
            out.println("Starting the processor (exactly_once_v2, grace " + GRACE.toSeconds() + " s) ...");
            try (CancelProcessorApp app = CancelProcessorApp.start(settings)) {
                List<String[]> rows = collectOutcomes(settings, topics, expected.size());
                printTable(rows);
                boolean complete = rows.size() == expected.size();
                out.println(
                        complete
                                ? "All " + rows.size() + " expected outcomes arrived."
                                : "Only " + rows.size() + " of " + expected.size() + " expected outcomes arrived.");
                return complete;
            }
        }
    }

    private static Map<String, Object> settings(String bootstrap) throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "cancel-processor-demo");
        settings.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("cancel-demo-state").toString());
        settings.put("schema.registry.url", "mock://cancel-demo");
        settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, GRACE.toMillis());
        return settings;
    }

    /** Grants and run states first, so that the processor sees them before the commands. */
    private List<String> produceScenario(Map<String, Object> settings, Topics topics) throws Exception {
        Instant now = Instant.now();
        List<String> expected = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new ByteArraySerializer())) {
            send(producer, topics.operators, "alice", new OperatorGrant("alice", List.of("admin"), List.of("acme")));
            send(producer, topics.operators, "bob", new OperatorGrant("bob", List.of("viewer"), List.of("acme")));
            send(producer, topics.runStates, "run-1", new RunState("run-1", "acme", RunStatus.RUNNING, 3L, now));
            send(producer, topics.runStates, "run-2", new RunState("run-2", "acme", RunStatus.COMPLETED, 9L, now));
            send(producer, topics.runStates, "run-3", new RunState("run-3", "globex", RunStatus.PAUSED, 1L, now));
            producer.flush();
            CancelCommand accepted = command("cmd-1", "run-1", "alice", "stuck on a tool call", now);
            sendCommand(producer, topics, expected, accepted);
            sendCommand(producer, topics, expected, command("cmd-2", "run-2", "alice", null, now));
            sendCommand(producer, topics, expected, command("cmd-3", "run-1", "bob", "I am not an admin", now));
            sendCommand(producer, topics, expected, command("cmd-4", "run-404", "alice", null, now));
            sendCommand(producer, topics, expected, command("cmd-5", "run-3", "alice", "another tenant's run", now));
            sendCommand(producer, topics, expected, command("cmd-6", "run-1", null, "who is asking?", now));
            // A repeat of an accepted command: produces nothing at all.
            send(producer, topics.commands, "run-1", accepted);
            producer.send(
                    new ProducerRecord<>(topics.commands.name(), "run-1", "not avro".getBytes(StandardCharsets.UTF_8)));
            expected.add("dead letter");
        }
        out.println("Produced 2 grants, 3 run states, 7 cancel commands (one a repeat) and 1 undecodable record.");
        return expected;
    }

    private static CancelCommand command(String id, String executionId, String actor, String reason, Instant now) {
        return new CancelCommand(id, executionId, actor, reason, now, "trace-" + id);
    }

    private static void sendCommand(
            KafkaProducer<String, byte[]> producer, Topics topics, List<String> expected, CancelCommand command) {
        send(producer, topics.commands, command.getExecutionId(), command);
        expected.add(command.getCommandId());
    }

    private static <V extends SpecificRecord> void send(
            KafkaProducer<String, byte[]> producer, Topics.Topic<V> topic, String key, V value) {
        Serde<V> serde = topic.valueSerde();
        producer.send(new ProducerRecord<>(topic.name(), key, serde.serializer().serialize(topic.name(), value)));
    }

    private List<String[]> collectOutcomes(Map<String, Object> settings, Topics topics, int expected) {
        List<String[]> rows = new ArrayList<>();
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
                ConsumerConfig.GROUP_ID_CONFIG, "cancel-demo-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.runStateChanges.name(), topics.rejections.name(), topics.dlq));
            // the consumer is polled on this thread only: it must not be used from two
            await().pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .atMost(DEADLINE)
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            rows.add(row(topics, record));
                        }
                        return rows.size() >= expected;
                    });
        } catch (ConditionTimeoutException late) {
            // the table shows what did arrive, and run() says how many are missing
        }
        return rows;
    }

    private static String[] row(Topics topics, ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(topics.runStateChanges.name())) {
            RunStateChange change =
                    topics.runStateChanges.valueSerde().deserializer().deserialize(record.topic(), record.value());
            return new String[] {
                change.getCommandId(),
                change.getExecutionId(),
                change.getCancelledBy(),
                "CANCELLED",
                change.getPreviousStatus() + " -> CANCELLED, version " + change.getVersion()
            };
        }
        if (record.topic().equals(topics.rejections.name())) {
            CancelRejection rejection =
                    topics.rejections.valueSerde().deserializer().deserialize(record.topic(), record.value());
            return new String[] {
                rejection.getCommandId(),
                rejection.getExecutionId(),
                Objects.requireNonNullElse(rejection.getCancelledBy(), "-"),
                rejection.getCode().name(),
                rejection.getMessage()
            };
        }
        String error = new String(
                record.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8);
        return new String[] {"-", record.key(), "-", "DEAD LETTER", error};
    }

    private void printTable(List<String[]> rows) {
        String format = "%-8s %-9s %-7s %-19s %s%n";
        out.println();
        out.printf(format, "COMMAND", "EXECUTION", "ACTOR", "OUTCOME", "DETAIL");
        rows.sort((a, b) -> a[0].compareTo(b[0]));
        rows.forEach(row -> out.printf(format, (Object[]) row));
        out.println();
    }
}
