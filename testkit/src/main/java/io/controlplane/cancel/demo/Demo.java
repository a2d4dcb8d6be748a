package io.controlplane.cancel.demo;

import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.testkit.EmbeddedKafka;
import io.controlplane.cancel.testkit.LoopbackPorts;
import io.controlplane.cancel.topology.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A short scenario on a real embedded broker: one accepted cancel and one command for each
 * rejection code, a repeated command and an undecodable record, then a table of what came out; then
 * a bulk cancel of one tenant's runs by the operator's command line, a dry run first ({@link BulkPart}). The
 * processor runs in signed mode: the demo is the identity issuer, with a key pair it makes at start,
 * and signs every command for its actor; one command is forged (signed with another key) and refused.
 * The accepted command's run has two children, and a grandchild that starts only after the run was
 * cancelled: the one command cancels all of them (cascading cancellation). Last, cancellation over
 * time ({@link OverTimePart}): a graceful cancel the executor confirms, one forced when its grace
 * ends, and a run cancelled when its deadline passes.
 */
public final class Demo {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration GRACE = Duration.ofSeconds(2);

    private static final String ISSUER = "https://issuer.demo.local";
    private static final String LATE_GRANDCHILD = "run-1a-x";

    private final PrintStream out;
    private final RSAKey issuerKey;
    private final RSAKey forgerKey;

    public Demo(PrintStream out) throws JOSEException {
        this.out = out;
        this.issuerKey = new RSAKeyGenerator(2048).keyID("demo-issuer").generate();
        // same key id, another key: what someone without the issuer's private key can do
        this.forgerKey = new RSAKeyGenerator(2048).keyID("demo-issuer").generate();
    }

    /** @return whether every expected outcome arrived */
    public boolean run() throws Exception {
        out.println("Starting a single-node KRaft Kafka broker in this JVM ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, Object> settings = settings(kafka.bootstrapServers(), issuerKey);
            CancelProcessorConfig config = new CancelProcessorConfig(settings);
            Topics topics = new Topics(config);
            kafka.createTopics(config, 3);
            List<String> expected = produceScenario(settings, topics);
            out.println("Starting the processor (exactly_once_v2, grace " + GRACE.toSeconds() + " s) ...");
            try (CancelProcessorApp app = CancelProcessorApp.start(settings);
                    KafkaConsumer<String, byte[]> outcomes = outcomeReader(settings, topics)) {
                String http = "http://" + LoopbackPorts.LOOPBACK + ":" + settings.get(CancelProcessorConfig.HTTP_PORT);
                out.println("While it runs: readiness at " + http + "/health/ready, Prometheus metrics at " + http
                        + "/metrics");
                List<String[]> rows = new ArrayList<>();
                collectOutcomes(outcomes, topics, rows, expected.size());
                startLateGrandchild(settings, topics);
                expected.add("cmd-1/" + LATE_GRANDCHILD);
                collectOutcomes(outcomes, topics, rows, expected.size());
                printTable(rows);
                boolean complete = rows.size() == expected.size();
                out.println(
                        complete
                                ? "All " + rows.size() + " expected outcomes arrived."
                                : "Only " + rows.size() + " of " + expected.size() + " expected outcomes arrived.");
                boolean bulk = new BulkPart(out, settings, topics, DEADLINE).run(this::bulkToken, outcomes);
                boolean overTime = new OverTimePart(out, settings, topics, DEADLINE).run(this::signed, outcomes);
                return complete && bulk && overTime;
            }
        }
    }

    private static Map<String, Object> settings(String bootstrap, RSAKey issuerKey) throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "cancel-processor-demo");
        settings.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("cancel-demo-state").toString());
        settings.put("schema.registry.url", "mock://cancel-demo");
        // Short, and so is each task's start-up hold: nothing (no grace, schedule or deadline) fires
        // before a task has read for one not-found grace.
        settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, GRACE.toMillis());
        // The HTTP endpoints on loopback, on a port that is free (8080 may not be).
        settings.put(CancelProcessorConfig.HTTP_HOST, LoopbackPorts.LOOPBACK);
        settings.put(CancelProcessorConfig.HTTP_PORT, LoopbackPorts.free(1)[0]);
        // The issuer's public key, as an identity provider publishes it.
        Path jwks = Files.createTempFile("cancel-demo-jwks", ".json");
        Files.writeString(jwks, new JWKSet(issuerKey.toPublicJWK()).toString());
        settings.put(CancelProcessorConfig.IDENTITY_MODE, "signed");
        settings.put(CancelProcessorConfig.IDENTITY_JWKS_URL, jwks.toUri().toString());
        settings.put(CancelProcessorConfig.IDENTITY_ISSUER, ISSUER);
        return settings;
    }

    /** Grants and run states first, so that the processor sees them before the commands. */
    private List<String> produceScenario(Map<String, Object> settings, Topics topics) throws Exception {
        Instant now = Instant.now();
        List<String> expected = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer(settings)) {
            send(
                    producer,
                    topics.operators,
                    "alice",
                    new OperatorGrant("alice", List.of("admin"), List.of("acme", BulkPart.TENANT)));
            send(producer, topics.operators, "bob", new OperatorGrant("bob", List.of("viewer"), List.of("acme")));
            send(
                    producer,
                    topics.runStates,
                    "run-1",
                    new RunState("run-1", "acme", RunStatus.RUNNING, 3L, now, null, null));
            send(
                    producer,
                    topics.runStates,
                    "run-2",
                    new RunState("run-2", "acme", RunStatus.COMPLETED, 9L, now, null, null));
            send(
                    producer,
                    topics.runStates,
                    "run-3",
                    new RunState("run-3", "globex", RunStatus.PAUSED, 1L, now, null, null));
            send(
                    producer,
                    topics.runStates,
                    "run-4",
                    new RunState("run-4", "acme", RunStatus.RUNNING, 2L, now, null, null));
            // run-1 started two child runs: cancelling run-1 cancels them too
            send(
                    producer,
                    topics.runStates,
                    "run-1a",
                    new RunState("run-1a", "acme", RunStatus.RUNNING, 1L, now, "run-1", null));
            send(
                    producer,
                    topics.runStates,
                    "run-1b",
                    new RunState("run-1b", "acme", RunStatus.QUEUED, 1L, now, "run-1", null));
            producer.flush();
            CancelCommand accepted = command("cmd-1", "run-1", "alice", "stuck on a tool call", now);
            sendCommand(producer, topics, expected, accepted);
            expected.add("cmd-1/run-1a");
            expected.add("cmd-1/run-1b");
            sendCommand(producer, topics, expected, command("cmd-2", "run-2", "alice", null, now));
            sendCommand(producer, topics, expected, command("cmd-3", "run-1", "bob", "I am not an admin", now));
            sendCommand(producer, topics, expected, command("cmd-4", "run-404", "alice", null, now));
            sendCommand(producer, topics, expected, command("cmd-5", "run-3", "alice", "another tenant's run", now));
            sendCommand(producer, topics, expected, command("cmd-6", " ", "alice", "which run?", now));
            // Claims to be alice, but is not signed with the issuer's key.
            sendCommand(producer, topics, expected, command("cmd-7", "run-4", "alice", "forged", now), forgerKey);
            // A repeat of an accepted command: produces nothing at all.
            send(producer, topics.commands, "run-1", accepted, bearer(accepted, issuerKey));
            producer.send(
                    new ProducerRecord<>(topics.commands.name(), "run-1", "not avro".getBytes(StandardCharsets.UTF_8)));
            expected.add("dead letter");
        }
        out.println("Produced 2 grants, 6 run states (run-1 with two children), 8 signed cancel commands (one a"
                + " repeat, one forged) and 1 undecodable record.");
        return expected;
    }

    /** A grandchild of run-1 that starts after run-1 was cancelled: it is cancelled as soon as it appears. */
    private void startLateGrandchild(Map<String, Object> settings, Topics topics) {
        try (KafkaProducer<String, byte[]> producer = producer(settings)) {
            send(
                    producer,
                    topics.runStates,
                    LATE_GRANDCHILD,
                    new RunState(LATE_GRANDCHILD, "acme", RunStatus.PENDING, 1L, Instant.now(), "run-1a", null));
        }
        out.println("Run-1 and its children are cancelled; now " + LATE_GRANDCHILD
                + ", a child of run-1a, starts late ...");
    }

    static KafkaProducer<String, byte[]> producer(Map<String, Object> settings) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static CancelCommand command(String id, String executionId, String actor, String reason, Instant now) {
        return new CancelCommand(id, executionId, actor, reason, now, "trace-" + id, CancelMode.FORCE, null, null);
    }

    private void sendCommand(
            KafkaProducer<String, byte[]> producer, Topics topics, List<String> expected, CancelCommand command)
            throws JOSEException {
        sendCommand(producer, topics, expected, command, issuerKey);
    }

    private static void sendCommand(
            KafkaProducer<String, byte[]> producer,
            Topics topics,
            List<String> expected,
            CancelCommand command,
            RSAKey signingKey)
            throws JOSEException {
        // a command without an executionId has nothing to be keyed by
        String key = command.getExecutionId().isBlank() ? null : command.getExecutionId();
        send(producer, topics.commands, key, command, bearer(command, signingKey));
        expected.add(command.getCommandId());
    }

    /** The signed identity assertion an identity provider would give the actor for this one command. */
    private static Header bearer(CancelCommand command, RSAKey signingKey) throws JOSEException {
        String token = token(command.getCancelledBy(), command.getCommandId(), signingKey);
        return new RecordHeader("authorization", ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    /** The command's authorization header, signed by the issuer for its actor. */
    private Header signed(CancelCommand command) {
        try {
            return bearer(command, issuerKey);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign the demo's token", e);
        }
    }

    /** alice's token for one bulk, as the operator passes it to bulk-cancel --token. */
    private String bulkToken(String bulkId) {
        try {
            return token("alice", bulkId, issuerKey);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign the demo's token", e);
        }
    }

    /** A compact JWS of the subject, bound to one command or bulk (its jti), for ten minutes. */
    private static String token(String subject, String jti, RSAKey signingKey) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience("controlplane.execution.cancel")
                .subject(subject)
                .jwtID(jti)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .build();
        SignedJWT token = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(signingKey.getKeyID())
                        .build(),
                claims);
        token.sign(new RSASSASigner(signingKey));
        return token.serialize();
    }

    static <V extends SpecificRecord> void send(
            KafkaProducer<String, byte[]> producer, Topics.Topic<V> topic, String key, V value, Header... headers) {
        Serde<V> serde = topic.valueSerde();
        producer.send(new ProducerRecord<>(
                topic.name(), null, key, serde.serializer().serialize(topic.name(), value), List.of(headers)));
    }

    private static KafkaConsumer<String, byte[]> outcomeReader(Map<String, Object> settings, Topics topics) {
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
                ConsumerConfig.GROUP_ID_CONFIG, "cancel-demo-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.runStateChanges.name(), topics.rejections.name(), topics.dlq));
        return consumer;
    }

    /** Reads outcomes into {@code rows} until there are {@code expected} or the deadline passed. */
    private static void collectOutcomes(
            KafkaConsumer<String, byte[]> consumer, Topics topics, List<String[]> rows, int expected) {
        try {
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
    }

    private static String[] row(Topics topics, ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(topics.runStateChanges.name())) {
            RunStateChange change =
                    topics.runStateChanges.valueSerde().deserializer().deserialize(record.topic(), record.value());
            return new String[] {
                change.getCommandId(),
                change.getExecutionId(),
                change.getCancelledBy(),
                change.getStatus().name(),
                change.getPreviousStatus() + " -> " + change.getStatus() + ", version " + change.getVersion()
                        + (change.getCascadedFrom() == null ? "" : ", cascaded from " + change.getCascadedFrom())
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
        String format = "%-17s %-9s %-7s %-19s %s%n";
        out.println();
        out.printf(format, "COMMAND", "EXECUTION", "ACTOR", "OUTCOME", "DETAIL");
        rows.sort((a, b) -> a[0].compareTo(b[0]));
        rows.forEach(row -> out.printf(format, (Object[]) row));
        out.println();
    }
}
