package io.controlplane.cancel.it;

import static io.controlplane.cancel.it.support.HostileBench.header;
import static io.controlplane.cancel.it.support.HostileBench.keyOn;
import static io.controlplane.cancel.it.support.HostileBench.sizeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.errors.DeadLetters;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorHttp;
import io.controlplane.cancel.it.support.ProcessorJvm;
import io.controlplane.cancel.it.support.RawProducer;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.topology.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dead-letter topic a new user made with the broker's defaults takes ~1 MiB records, less than the
 * 2 MiB the processor's producer may send. A 4 MB undecodable command (zstd: a few KB on the wire)
 * is then dead-lettered cut to what the topic takes, and every partition moves on; lowered while the
 * processor runs, the topic refuses one dead letter, and the retried input's dead letter fits. The
 * packaged jar, a real broker and a real registry.
 */
class DeadLetterTopicWithBrokerDefaultsIT {

    private static final int PARTITIONS = 3;
    /** The broker's default message.max.bytes, which a topic created without settings takes. */
    private static final int BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    private static final int LOWERED_MAX_MESSAGE_BYTES = 100_000;
    private static final int HUGE_VALUE_BYTES = 4_000_000;
    private static final Duration DECIDED_WITHIN = Duration.ofSeconds(60);
    private static final String ADMIN = "alice";

    @RegisterExtension
    static final RealBroker broker = RealBroker.sharedWithApicurio();

    @Test
    void anInputLargerThanTheDeadLetterTopicTakesIsDeadLetteredCutAndEveryPartitionMovesOn() throws Exception {
        String prefix = "dlq-defaults";
        Map<String, Object> settings = TestSettings.processor(
                broker.bootstrapServers(), broker.registry().ccompatUrl());
        settings.put("application.id", prefix);
        settings.put(CancelProcessorConfig.COMMANDS_TOPIC, prefix + ".commands");
        settings.put(CancelProcessorConfig.RUN_STATES_TOPIC, prefix + ".run-states");
        settings.put(CancelProcessorConfig.OPERATORS_TOPIC, prefix + ".operators");
        settings.put(CancelProcessorConfig.RUN_STATE_CHANGES_TOPIC, prefix + ".run-state-changes");
        settings.put(CancelProcessorConfig.REJECTIONS_TOPIC, prefix + ".rejections");
        settings.put(CancelProcessorConfig.DLQ_TOPIC, prefix + ".dlq");
        int httpPort = freePort();
        settings.put(CancelProcessorConfig.HTTP_PORT, httpPort);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        String dlq = config.dlqTopic();
        try (Admin admin = broker.kafka().admin()) {
            // as a new user makes it: no settings, so the broker's defaults
            admin.createTopics(List.of(new NewTopic(dlq, PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        broker.kafka().createTopics(config, PARTITIONS);
        Topics topics = new Topics(config);
        Path logs = Path.of("target", "it-logs", getClass().getSimpleName());
        Files.createDirectories(logs);
        ProcessorJvm processor = ProcessorJvm.launch(prefix, settings, logs.resolve(prefix), "384m");
        ProcessorHttp http = new ProcessorHttp(httpPort);
        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics);
                RawProducer raw = new RawProducer(broker.bootstrapServers());
                Outcomes outcomes = new Outcomes(broker.bootstrapServers(), topics)) {
            traffic.grant(ADMIN, List.of("admin"), List.of("*"));
            await("processor ready")
                    .atMost(DECIDED_WITHIN)
                    .until(() -> http.status("/health/ready").equals(Optional.of(200)));

            byte[] huge = compressibleGarbage(HUGE_VALUE_BYTES);
            for (int partition = 0; partition < PARTITIONS; partition++) {
                raw.send(new ProducerRecord<>(topics.commands.name(), partition, utf8("huge-" + partition), huge));
            }
            raw.flush();
            cancelOnEveryPartition(traffic, "after-huge");
            await("a cancel behind each huge record decided")
                    .atMost(DECIDED_WITHIN)
                    .until(() -> {
                        outcomes.drain(Duration.ofMillis(200));
                        return outcomes.cancellations.size() == PARTITIONS;
                    });
            outcomes.drain(Duration.ofSeconds(1));
            assertThat(outcomes.deadLetters).hasSize(PARTITIONS).allSatisfy(dead -> {
                assertThat(sizeOf(dead)).isLessThanOrEqualTo(BROKER_DEFAULT_MAX_MESSAGE_BYTES);
                isTheHugeRecordCut(dead, huge);
            });
            assertThat(Files.readString(processor.log(), StandardCharsets.ISO_8859_1))
                    .as("one start-up line about the small dead-letter topic")
                    .containsOnlyOnce("The dead-letter topic " + dlq + " takes records of at most "
                            + BROKER_DEFAULT_MAX_MESSAGE_BYTES + " bytes")
                    .doesNotContain("Stream thread failed");

            // Lowered while the processor runs: one dead letter is refused, then the input's retry fits.
            lowerMaxMessageBytes(dlq, LOWERED_MAX_MESSAGE_BYTES);
            AtomicBoolean seenUnready = new AtomicBoolean();
            raw.send(new ProducerRecord<>(topics.commands.name(), 0, utf8("huge-again"), huge));
            raw.flush();
            cancelOnEveryPartition(traffic, "after-lowered");
            await("a cancel behind a huge record, after the dead-letter topic was lowered, decided")
                    .atMost(DECIDED_WITHIN)
                    .until(() -> {
                        if (!http.status("/health/ready").equals(Optional.of(200))) {
                            seenUnready.set(true);
                        }
                        outcomes.drain(Duration.ofMillis(200));
                        return outcomes.cancellations.size() == 2 * PARTITIONS;
                    });
            outcomes.drain(Duration.ofSeconds(1));
            List<ConsumerRecord<String, byte[]>> lowered =
                    outcomes.deadLetters.subList(PARTITIONS, outcomes.deadLetters.size());
            assertThat(lowered).singleElement().satisfies(dead -> {
                assertThat(sizeOf(dead)).isLessThanOrEqualTo(LOWERED_MAX_MESSAGE_BYTES);
                isTheHugeRecordCut(dead, huge);
            });
            String log = Files.readString(processor.log(), StandardCharsets.ISO_8859_1);
            if (log.contains("Stream thread failed")) {
                assertThat(seenUnready)
                        .as("not ready while a thread failed on the refused dead letter")
                        .isTrue();
            }
            assertThat(processor.isAlive()).isTrue();
            System.out.printf(
                    "DeadLetterTopicWithBrokerDefaultsIT: lowered topic: thread failures %d, readiness down seen %s%n",
                    log.lines()
                            .filter(line -> line.contains("Stream thread failed"))
                            .count(),
                    seenUnready.get());
        } finally {
            processor.kill();
        }
    }

    private static void isTheHugeRecordCut(ConsumerRecord<String, byte[]> dead, byte[] huge) throws Exception {
        assertThat(header(dead, DeadLetters.CUT)).isEqualTo("true");
        assertThat(header(dead, DeadLetters.ORIGINAL_VALUE_BYTES)).isEqualTo(String.valueOf(huge.length));
        assertThat(header(dead, DeadLetters.ORIGINAL_VALUE_SHA256))
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(huge)));
        assertThat(dead.value()).isEqualTo(Arrays.copyOf(huge, dead.value().length));
    }

    private static void cancelOnEveryPartition(CancelTraffic traffic, String label) {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            String execution = keyOn(label, partition);
            traffic.runState(execution, "tenant-a", RunStatus.RUNNING, 1);
            traffic.cancel(label + "-cmd-" + partition, execution, ADMIN);
        }
        traffic.flush();
    }

    private static void lowerMaxMessageBytes(String topic, int bytes) throws Exception {
        try (Admin admin = broker.kafka().admin()) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topic),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(bytes)),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        }
    }

    /** Not Confluent-framed (first byte 'x'), and a repeated pattern zstd shrinks to a few KB. */
    private static byte[] compressibleGarbage(int size) {
        byte[] bytes = new byte[size];
        byte[] pattern = "x-not-avro-".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            bytes[i] = pattern[i % pattern.length];
        }
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
