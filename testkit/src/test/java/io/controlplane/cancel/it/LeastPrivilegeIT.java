package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.cli.CancelProcessorCli;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ReadmeAcls;
import io.controlplane.cancel.it.support.TestCertificateAuthority;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.testkit.EmbeddedKafka;
import io.controlplane.cancel.testkit.SaslSslListener;
import io.controlplane.cancel.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The processor on a broker that authenticates every client (SASL_SSL, SCRAM-SHA-512, a CA and
 * broker certificate made here) and allows nothing without an ACL, with exactly README's ACLs for the
 * processor's principal and for {@code create-topics}' own: it creates the topics and decides commands,
 * and what the ACLs deny stays denied.
 */
class LeastPrivilegeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TENANT = "acme";
    /** Sets up the broker and plays the upstream services; the only super user. */
    private static final String ADMIN = "admin";
    /** README's principals. */
    private static final String PROCESSOR = "cancel-processor";

    private static final String TOPICS_ADMIN = "cancel-topics";
    /** An upstream service allowed to write run states, and nothing else. */
    private static final String RUN_STATES_SERVICE = "run-states-service";

    @TempDir
    static Path dir;

    private static SaslSslListener listener;
    private static EmbeddedKafka kafka;
    private static String registryScope;
    private static Map<String, Object> processorSettings;
    private static Topics topics;
    private static CancelProcessorApp processor;
    private static CancelTraffic upstream;
    private static Outcomes outcomes;

    @BeforeAll
    static void startSecuredBrokerWithReadmeAclsThenTheProcessor() throws Exception {
        TestCertificateAuthority ca = TestCertificateAuthority.create();
        TestCertificateAuthority.Issued broker = ca.issueLoopbackServerCertificate("kafka");
        Map<String, String> users = new HashMap<>();
        for (String user : List.of(ADMIN, PROCESSOR, TOPICS_ADMIN, RUN_STATES_SERVICE)) {
            users.put(user, user + "-" + UUID.randomUUID());
        }
        listener =
                new SaslSslListener(broker.certificateChain(), broker.privateKey(), ca.certificatePem(), ADMIN, users);
        kafka = EmbeddedKafka.startSecured(listener);

        ReadmeAcls.grant(kafka.bootstrapServers(), propertiesFile("admin", listener.clientSettings(ADMIN)));
        try (Admin admin = kafka.admin()) {
            admin.createAcls(List.of(new AclBinding(
                            new ResourcePattern(
                                    ResourceType.TOPIC, CancelTopic.RUN_STATES.defaultName(), PatternType.LITERAL),
                            new AccessControlEntry(
                                    "User:" + RUN_STATES_SERVICE, "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all()
                    .get();
        }

        registryScope = "least-privilege-" + UUID.randomUUID();
        Map<String, Object> topicsAdminSettings = settingsAs(TOPICS_ADMIN);
        // the first run creates the topics, the second checks them
        createTopics(topicsAdminSettings);
        createTopics(topicsAdminSettings);

        processorSettings = settingsAs(PROCESSOR);
        passwordFromFile(processorSettings, users.get(PROCESSOR));
        // so that the test sees the purge README's Delete on the internal topics is for
        processorSettings.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, "100");
        CancelProcessorConfig config = new CancelProcessorConfig(processorSettings);
        topics = new Topics(config);
        upstream = new CancelTraffic(clientSettingsAs(ADMIN), topics);
        upstream.grant("alice", List.of("admin"), List.of(TENANT));
        upstream.grant("bob", List.of("viewer"), List.of(TENANT));
        upstream.runState("run-accept", TENANT, RunStatus.RUNNING, 3);
        upstream.runState("run-unkeyed", TENANT, RunStatus.QUEUED, 1);
        upstream.runState("run-refused", TENANT, RunStatus.RUNNING, 7);
        upstream.flush();
        processor = CancelProcessorApp.start(processorSettings);
        outcomes = new Outcomes(clientSettingsAs(ADMIN), topics);
        await().atMost(TIMEOUT).until(processor::isRunning);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (outcomes != null) {
                outcomes.close();
            }
            if (upstream != null) {
                upstream.close();
            }
            if (processor != null) {
                processor.close();
            }
            InMemorySchemaRegistry.dropScope(registryScope);
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** The deployed settings, logged in as {@code user}. */
    private static Map<String, Object> settingsAs(String user) {
        Map<String, Object> settings = TestSettings.processor(kafka.bootstrapServers(), "mock://" + registryScope);
        settings.putAll(listener.clientSettings(user));
        settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, "1000");
        return settings;
    }

    /**
     * The processor's SCRAM password from a file through Kafka's config provider, as README's
     * {@code ${file:...}} example has it: the settings then hold no secret.
     */
    private static void passwordFromFile(Map<String, Object> settings, String password) throws IOException {
        Path secrets = propertiesFile("processor-secrets", Map.of("kafka.password", password));
        settings.put("config.providers", "file");
        settings.put("config.providers.file.class", FileConfigProvider.class.getName());
        String jaas = settings.get(SaslConfigs.SASL_JAAS_CONFIG).toString();
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaas.replace(password, "${file:" + secrets + ":kafka.password}"));
        assertThat(settings.toString()).doesNotContain(password);
    }

    private static Map<String, Object> clientSettingsAs(String user) {
        Map<String, Object> settings = new HashMap<>(listener.clientSettings(user));
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return settings;
    }

    /** Properties.store escapes what a PEM holds (line breaks) as a properties file must. */
    private static Path propertiesFile(String name, Map<String, ?> settings) throws IOException {
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        Path file = dir.resolve(name + ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        return file;
    }

    private static void createTopics(Map<String, Object> settings) throws IOException {
        Path config = propertiesFile("create-topics", settings);
        StringWriter output = new StringWriter();
        int exitCode = new CommandLine(new CancelProcessorCli())
                .setOut(new PrintWriter(output))
                .setErr(new PrintWriter(output))
                .execute("create-topics", "--config", config.toString(), "--partitions", "2");
        assertThat(exitCode).as("create-topics printed:%n%s", output).isZero();
    }

    @Test
    void processorDecidesCommandsWithReadmeAclsOnly() {
        upstream.cancel("lp-accept", "run-accept", "alice");
        upstream.command(
                null,
                new CancelCommand(
                        "lp-unkeyed",
                        "run-unkeyed",
                        "alice",
                        "unkeyed",
                        Instant.now(),
                        "trace-lp-unkeyed",
                        CancelMode.FORCE,
                        null,
                        null));
        upstream.cancel("lp-reject", "run-accept", "bob");
        upstream.flush();

        assertThat(outcomes.awaitUntil(
                        () -> outcomes.cancellationsOf("lp-accept").size() == 1
                                && outcomes.cancellationsOf("lp-unkeyed").size() == 1
                                && outcomes.rejectionsOf("lp-reject").size() == 1,
                        TIMEOUT))
                .isTrue();
        assertThat(outcomes.cancellationsOf("lp-accept").get(0).getStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(outcomes.cancellationsOf("lp-unkeyed").get(0).getExecutionId())
                .isEqualTo("run-unkeyed");
        assertThat(outcomes.rejectionsOf("lp-reject").get(0).getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        assertThat(outcomes.deadLetters).isEmpty();
        assertThat(processor.isRunning()).isTrue();
    }

    /** The cascade's internal topic, created by the processor at start-up, is under the application.id prefix: README's ACLs cover it. */
    @Test
    void processorCascadesToChildrenWithReadmeAclsOnly() {
        upstream.runState("lp-parent", TENANT, RunStatus.RUNNING, 1);
        upstream.send(
                topics.runStates,
                "lp-child",
                new RunState("lp-child", TENANT, RunStatus.RUNNING, 1L, Instant.now(), "lp-parent", null));
        upstream.cancel("lp-cascade", "lp-parent", "alice");
        upstream.flush();

        assertThat(outcomes.awaitUntil(
                        () -> outcomes.cancellationsOf("lp-cascade/lp-child").size() == 1, TIMEOUT))
                .isTrue();
        assertThat(outcomes.cancellationsOf("lp-cascade/lp-child").get(0).getCascadedFrom())
                .isEqualTo("lp-parent");
        assertThat(processor.isRunning()).isTrue();
    }

    @Test
    void processorPurgesItsRepartitionTopicWithReadmeAclsOnly() throws Exception {
        upstream.command(
                null,
                new CancelCommand(
                        "lp-purged",
                        "run-purged",
                        "alice",
                        "unkeyed",
                        Instant.now(),
                        "trace-lp-purged",
                        CancelMode.FORCE,
                        null,
                        null));
        upstream.flush();
        String repartition = StreamsProperties.DEFAULT_APPLICATION_ID + "-commands-by-execution-repartition";
        try (Admin admin = kafka.admin()) {
            // deleteRecords, which needs Delete on the topic, moves the earliest offset past what was consumed;
            // the topic itself is there once the processor's first rebalance made it
            await().atMost(TIMEOUT)
                    .ignoreExceptionsMatching(e -> e.getCause() instanceof UnknownTopicOrPartitionException)
                    .until(() -> earliestOffsets(admin, repartition).stream().anyMatch(offset -> offset > 0));
        }
    }

    private static List<Long> earliestOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .forEach(partition ->
                        earliest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.earliest()));
        return admin.listOffsets(earliest).all().get().values().stream()
                .map(ListOffsetsResultInfo::offset)
                .toList();
    }

    @Test
    void principalWithoutWriteOnTheCommandsTopicCannotInjectACommand() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producerAs(RUN_STATES_SERVICE)) {
            // its login works, and it may write what it is allowed to
            producer.send(record(
                            topics.runStates.name(),
                            "run-refused",
                            topics.runStates
                                    .valueSerde()
                                    .serializer()
                                    .serialize(
                                            topics.runStates.name(),
                                            new RunState(
                                                    "run-refused",
                                                    TENANT,
                                                    RunStatus.RUNNING,
                                                    8L,
                                                    Instant.now(),
                                                    null,
                                                    null))))
                    .get();

            CancelCommand forged = new CancelCommand(
                    "lp-forged",
                    "run-refused",
                    "alice",
                    "forged",
                    Instant.now(),
                    "trace-lp-forged",
                    CancelMode.FORCE,
                    null,
                    null);
            assertThatThrownBy(() -> producer.send(record(
                                    topics.commands.name(),
                                    "run-refused",
                                    topics.commands
                                            .valueSerde()
                                            .serializer()
                                            .serialize(topics.commands.name(), forged)))
                            .get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void processorsPrincipalCannotWriteTheRunStatesTopic() {
        try (KafkaProducer<String, byte[]> producer = producerAs(PROCESSOR)) {
            byte[] terminal = topics.runStates
                    .valueSerde()
                    .serializer()
                    .serialize(
                            topics.runStates.name(),
                            new RunState("run-refused", TENANT, RunStatus.COMPLETED, 99L, Instant.now(), null, null));
            assertThatThrownBy(() -> producer.send(record(topics.runStates.name(), "run-refused", terminal))
                            .get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static KafkaProducer<String, byte[]> producerAs(String user) {
        Map<String, Object> settings = clientSettingsAs(user);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key, value);
    }
}
