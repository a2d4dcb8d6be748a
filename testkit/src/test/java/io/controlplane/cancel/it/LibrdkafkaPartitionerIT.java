package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.CapturedLog;
import io.controlplane.cancel.it.support.ConfluentPython;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorMetrics;
import io.controlplane.cancel.it.support.RawRecords;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Run states and unkeyed commands from Confluent's Python client with librdkafka's default
 * partitioner (CRC32 of the key), not Kafka's Java client's (murmur2): with cancel.partitioner=crc32
 * the processor re-keys every command onto its run state's partition; with the default it says, in a
 * metric and one warning per task, that the run states are not where it would put them.
 */
class LibrdkafkaPartitionerIT {

    private static final int PARTITIONS = 6;
    private static final int EXECUTIONS = 20;
    private static final String ACTOR = "ops-lib";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String MISROUTED = "misrouted-records-total";
    private static final String MISROUTING_LOGGER = "io.controlplane.cancel.topology.MisroutingCheck";

    @RegisterExtension
    @Order(0)
    static final BeforeAllCallback confluentPython = ConfluentPython.required();

    @RegisterExtension
    static final RealBroker broker = RealBroker.withApicurio();

    @Test
    void withCrc32EveryUnkeyedCommandMeetsItsRunStateAndIsCancelled() throws Exception {
        Map<String, Object> settings = settings("crc32");
        Topics topics = createTopicsAndGrant(settings);
        try (CapturedLog log = new CapturedLog(MISROUTING_LOGGER);
                CancelProcessorApp app = CancelProcessorApp.start(settings);
                Outcomes outcomes = new Outcomes(broker.bootstrapServers(), topics)) {
            writeWithLibrdkafka(settings, "crc32");

            assertThat(outcomes.awaitAtLeast(EXECUTIONS, TIMEOUT)).isEqualTo(EXECUTIONS);
            assertThat(outcomes.rejections).isEmpty();
            assertThat(outcomes.cancellations)
                    .extracting(RunStateChange::getExecutionId)
                    .containsExactlyInAnyOrderElementsOf(executionIds("crc32"));
            assertThat(ProcessorMetrics.of(settings).total(MISROUTED)).isZero();
            assertThat(log.lines()).isEmpty();
        }
    }

    @Test
    void withTheDefaultMurmur2MisroutedRunStatesAreCountedAndLoggedOncePerTask() throws Exception {
        Map<String, Object> settings = settings("murmur2");
        settings.remove(CancelProcessorConfig.PARTITIONER);
        Topics topics = createTopicsAndGrant(settings);
        Set<String> misplaced = executionIds("murmur2").stream()
                .filter(id -> partition(KeyPartitioner.CRC32, id) != partition(KeyPartitioner.MURMUR2, id))
                .collect(Collectors.toSet());
        assertThat(misplaced).as("keys the two partitioners place differently").isNotEmpty();
        try (CapturedLog log = new CapturedLog(MISROUTING_LOGGER);
                CancelProcessorApp app = CancelProcessorApp.start(settings);
                Outcomes outcomes = new Outcomes(broker.bootstrapServers(), topics)) {
            writeWithLibrdkafka(settings, "murmur2");

            ProcessorMetrics metrics = ProcessorMetrics.of(settings);
            await().atMost(TIMEOUT).until(() -> metrics.total(MISROUTED) == misplaced.size());
            List<String> warnings = log.lines();
            assertThat(warnings)
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line)
                            .startsWith("WARN Records on " + topics.runStates.name()
                                    + " are not where cancel.partitioner=murmur2 puts their keys: one on partition ")
                            .contains("set cancel.partitioner=crc32, or produce with partitioner=murmur2_random")
                            .doesNotContain("\n"));
            assertThat(warnings.stream().map(line -> line.replaceAll(".*\\(task (\\S+);.*", "$1")))
                    .as("one warning per task")
                    .doesNotHaveDuplicates();

            // What the warning is about: the commands re-keyed with murmur2 miss those runs' states.
            assertThat(outcomes.awaitAtLeast(EXECUTIONS, TIMEOUT)).isEqualTo(EXECUTIONS);
            assertThat(outcomes.rejections)
                    .extracting(CancelRejection::getCode)
                    .containsOnly(RejectionCode.EXECUTION_NOT_FOUND);
            assertThat(outcomes.rejections)
                    .extracting(r -> r.getCommand().getExecutionId())
                    .containsExactlyInAnyOrderElementsOf(misplaced);
        }
    }

    private static Map<String, Object> settings(String name) {
        Map<String, Object> settings = TestSettings.processor(
                broker.bootstrapServers(), broker.registry().ccompatUrl());
        settings.put("application.id", "librdkafka-partitioner-" + name);
        settings.put(CancelProcessorConfig.PARTITIONER, name);
        settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, 5_000);
        for (String topicKey : List.of(
                CancelProcessorConfig.COMMANDS_TOPIC,
                CancelProcessorConfig.RUN_STATES_TOPIC,
                CancelProcessorConfig.OPERATORS_TOPIC,
                CancelProcessorConfig.RUN_STATE_CHANGES_TOPIC,
                CancelProcessorConfig.REJECTIONS_TOPIC,
                CancelProcessorConfig.DLQ_TOPIC)) {
            settings.put(topicKey, name + "." + topicKey);
        }
        return settings;
    }

    /** The grant is written from Java: grants are read by every task, wherever they are. */
    private static Topics createTopicsAndGrant(Map<String, Object> settings) throws Exception {
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        broker.kafka().createTopics(config, PARTITIONS);
        Topics topics = new Topics(config);
        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics)) {
            traffic.grant(ACTOR, List.of("admin"), List.of("*"));
            traffic.flush();
        }
        return topics;
    }

    /** librdkafka writes the run states and commands; each run state must be where CRC32 puts its key. */
    private static void writeWithLibrdkafka(Map<String, Object> settings, String prefix) throws Exception {
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        Path scriptLog = Path.of("target", "librdkafka-partitioner-" + prefix + ".log");
        int exitCode = ConfluentPython.run(
                "librdkafka_partitioner.py",
                List.of(
                        "--bootstrap-servers", broker.bootstrapServers(),
                        "--schema-registry-url", broker.registry().ccompatUrl(),
                        "--run-state-schema",
                                Path.of("..", "schemas", "RunState.avsc").toString(),
                        "--run-status-schema",
                                Path.of("..", "schemas", "RunStatus.avsc").toString(),
                        "--command-schema",
                                Path.of("..", "schemas", "CancelCommand.avsc").toString(),
                        "--run-states-topic", config.runStatesTopic(),
                        "--commands-topic", config.commandsTopic(),
                        "--prefix", prefix,
                        "--count", String.valueOf(EXECUTIONS),
                        "--actor", ACTOR),
                scriptLog,
                TIMEOUT);
        assertThat(exitCode)
                .as("librdkafka_partitioner.py exit code; its output:%n%s", Files.readString(scriptLog))
                .isZero();

        List<ConsumerRecord<String, byte[]>> runStates =
                RawRecords.read(broker.bootstrapServers(), List.of(config.runStatesTopic()), EXECUTIONS, TIMEOUT);
        assertThat(runStates)
                .hasSize(EXECUTIONS)
                .allSatisfy(record -> assertThat(record.partition())
                        .as("librdkafka's partition of %s", record.key())
                        .isEqualTo(partition(KeyPartitioner.CRC32, record.key())));
    }

    private static List<String> executionIds(String prefix) {
        return IntStream.rangeClosed(1, EXECUTIONS)
                .mapToObj(i -> prefix + "-" + i)
                .toList();
    }

    private static int partition(KeyPartitioner partitioner, String key) {
        return partitioner.partition(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }
}
