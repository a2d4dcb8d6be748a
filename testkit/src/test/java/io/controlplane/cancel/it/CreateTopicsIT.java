package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.cli.CancelProcessorCli;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code create-topics} against a real broker: creates what is missing, checks and never changes what exists. */
class CreateTopicsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RealBroker broker = RealBroker.shared();

    @TempDir
    Path dir;

    /** The exit code and what was printed. */
    private record Run(int exitCode, List<String> out, List<String> err) {}

    /**
     * Topics of its own for each test, so that the tests do not depend on the order they run in nor on
     * the other test classes on the shared broker.
     */
    private static Map<String, Object> settings(String bootstrap, String prefix) {
        Map<String, Object> settings = TestSettings.processor(bootstrap, "mock://create-topics-it");
        settings.put(CancelProcessorConfig.STARTUP_TIMEOUT_MS, 2_000);
        TestSettings.ownNames(settings, TestSettings.uniquePrefix(prefix));
        return settings;
    }

    private Run createTopics(Map<String, Object> settings, String... options) throws Exception {
        Path config = Files.createTempFile(dir, "cancel", ".properties");
        Files.writeString(
                config,
                settings.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("\n")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CancelProcessorCli())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err));
        String[] args = new String[options.length + 3];
        args[0] = "create-topics";
        args[1] = "--config";
        args[2] = config.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        int exitCode = cli.execute(args);
        return new Run(
                exitCode,
                out.toString().lines().toList(),
                err.toString().lines().toList());
    }

    private static List<String> names(CancelProcessorConfig config) {
        return CancelTopic.ALL.stream().map(topic -> topic.name(config)).toList();
    }

    @Test
    void createsEveryDeclaredTopicAsDeclaredAndASecondRunChangesNothing() throws Exception {
        Map<String, Object> settings = settings(broker.bootstrapServers(), "created");
        CancelProcessorConfig config = new CancelProcessorConfig(settings);

        Run first = createTopics(settings);
        assertThat(first.exitCode()).as("%s", first).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out())
                .hasSize(CancelTopic.ALL.size())
                .allSatisfy(line -> assertThat(line).startsWith("Created "));

        try (Admin admin = broker.kafka().admin()) {
            await().atMost(TIMEOUT).until(() -> admin.listTopics().names().get().containsAll(names(config)));
            Map<String, TopicDescription> described =
                    admin.describeTopics(names(config)).allTopicNames().get();
            for (CancelTopic<?> topic : CancelTopic.ALL) {
                String name = topic.name(config);
                assertThat(described.get(name).partitions())
                        .as("%s, by default", name)
                        .hasSize(6);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
                var configs =
                        admin.describeConfigs(List.of(resource)).all().get().get(resource);
                config.topicConfigs(topic)
                        .forEach((key, value) -> assertThat(configs.get(key).value())
                                .as("%s of %s", key, name)
                                .isEqualTo(value));
            }
        }

        Run second = createTopics(settings);
        assertThat(second.exitCode()).as("%s", second).isZero();
        assertThat(second.err()).isEmpty();
        assertThat(second.out())
                .containsExactlyElementsOf(names(config).stream()
                        .map(name -> "Exists  " + name + " (checked, not changed)")
                        .toList());
    }

    @Test
    void existingTopicsUnlikeTheirDeclarationAreReportedOneLineEachAndLeftAsTheyAre() throws Exception {
        Map<String, Object> settings = settings(broker.bootstrapServers(), "mismatched");
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        String commands = config.commandsTopic();
        String runStates = config.runStatesTopic();
        String dlq = config.dlqTopic();
        try (Admin admin = broker.kafka().admin()) {
            admin.createTopics(List.of(
                            new NewTopic(runStates, 2, (short) 1)
                                    .configs(Map.of(
                                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)),
                            new NewTopic(dlq, 3, (short) 1)
                                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000000"))))
                    .all()
                    .get();
            await().atMost(TIMEOUT).until(() -> admin.listTopics().names().get().containsAll(List.of(runStates, dlq)));
        }

        Run run = createTopics(settings, "--partitions", "3", "--replication-factor", "1");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(run.err())
                .containsExactlyInAnyOrder(
                        "Topic " + runStates + " has 2 partitions, not 3",
                        "Topic " + runStates + " has cleanup.policy=delete, not compact",
                        "Topic " + dlq
                                + " has max.message.bytes=1000000, less than the producer's max.request.size=2097152, "
                                + "so a dead letter of the largest input would be refused",
                        "Topics " + commands + " (3 partitions) and " + runStates
                                + " (2 partitions) must have the same "
                                + "partition count, or commands miss their run's state");
        assertThat(run.out()).contains("Exists  " + runStates + " (checked, not changed)");
        try (Admin admin = broker.kafka().admin()) {
            assertThat(admin.describeTopics(List.of(runStates))
                            .allTopicNames()
                            .get()
                            .get(runStates)
                            .partitions())
                    .as("not changed")
                    .hasSize(2);
        }
    }

    @Test
    void anUnreachableBrokerIsOneLineAndExitCodeOne() throws Exception {
        String bootstrap;
        try (ServerSocket socket = new ServerSocket(0)) {
            bootstrap = "127.0.0.1:" + socket.getLocalPort();
        }
        Run run = createTopics(settings(bootstrap, "unreachable"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).containsExactly("Cannot reach Kafka at " + bootstrap + " within 2000 ms");
    }
}
