package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.topology.CancelStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A clean stop and start of the processor on the same state directory keeps its local state, under
 * exactly_once_v2: no task is taken for corrupted, nothing is restored from the changelogs, and the
 * processor decides on as before.
 *
 * <p>Kafka Streams takes a task for corrupted on start, wipes its local state and restores it all from
 * the changelogs, when one of the task's persistent stores has no committed offset while the others
 * hold data: a segmented (window) store never written has none. So the workload writes one store of
 * the task (cancel-executions) and never the others (cancel-due, cancel-unrouted-decided), which the
 * test checks on their changelogs before the restart. With cancel-unrouted-decided a window store
 * again (as before c72cb6c), every task is taken for corrupted on the restart and this test fails.
 *
 * <p>Restored records are counted on the restore consumer, by an interceptor the test adds through the
 * processor's settings: the product offers tests no handle on its Kafka Streams instance. That the
 * count sees a restore is checked too, by a last start on an empty state directory.
 */
class CleanRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TENANT = "acme";
    private static final String STREAMS_INTERNALS = "org.apache.kafka.streams.processor.internals";

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedByTheTests(
                    broker,
                    settings -> settings.put(
                            StreamsConfig.restoreConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
                            ChangelogRecordsRestored.class.getName()))
            .seededWith(traffic -> traffic.grant("alice", List.of("admin"), List.of(TENANT)));

    @Test
    void cleanRestartOnTheSameStateDirectoryRestoresNothing() throws Exception {
        String app = String.valueOf(processor.settings().get(StreamsConfig.APPLICATION_ID_CONFIG));
        CancelTraffic traffic = processor.traffic();
        try (Outcomes outcomes = processor.outcomes()) {
            processor.start();
            traffic.runState("run-cancelled", TENANT, RunStatus.RUNNING, 3);
            traffic.runState("run-waiting", TENANT, RunStatus.WAITING, 1);
            traffic.runState("run-done", TENANT, RunStatus.COMPLETED, 7);
            traffic.flush();
            // The run states first: a command that came before its run's state would wait in cancel-due.
            awaitKept(app, Set.of("run-cancelled", "run-waiting", "run-done"));
            CancelCommand accepted = traffic.cancel("cmd-accepted", "run-cancelled", "alice");
            traffic.flush();
            assertThat(outcomes.awaitUntil(
                            () -> !outcomes.cancellationsOf("cmd-accepted").isEmpty(), WAIT))
                    .as("cancellation of cmd-accepted before the restart")
                    .isTrue();
            processor.stop();

            // What makes a restart take a task for corrupted: one store of it written, others never.
            assertThat(changelogEnd(app, CancelStores.EXECUTIONS))
                    .as("records in the changelog of %s", CancelStores.EXECUTIONS)
                    .isPositive();
            assertThat(changelogEnd(app, CancelStores.DUE))
                    .as("records in the changelog of %s", CancelStores.DUE)
                    .isZero();
            assertThat(changelogEnd(app, CancelStores.UNROUTED_DECIDED))
                    .as("records in the changelog of %s", CancelStores.UNROUTED_DECIDED)
                    .isZero();

            long restoredBefore = ChangelogRecordsRestored.of(app);
            try (CapturedLog streamsLog = CapturedLog.of(STREAMS_INTERNALS)) {
                // the same settings, so the same state directory
                processor.start();
                traffic.command("run-cancelled", accepted);
                // Same partition, so once this one is decided the repeat before it has been too.
                traffic.cancel("cmd-after-restart", "run-cancelled", "alice");
                traffic.flush();
                assertThat(outcomes.awaitUntil(
                                () -> !outcomes.rejectionsOf("cmd-after-restart")
                                        .isEmpty(),
                                WAIT))
                        .as("rejection of cmd-after-restart")
                        .isTrue();
                outcomes.drain(Duration.ofSeconds(1));

                CancelRejection rejection =
                        outcomes.rejectionsOf("cmd-after-restart").get(0);
                assertThat(rejection.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
                assertThat(rejection.getObservedStatus()).isEqualTo(RunStatus.CANCELLED);
                assertThat(outcomes.cancellationsOf("cmd-after-restart")).isEmpty();
                assertThat(outcomes.cancellationsOf("cmd-accepted"))
                        .as("cancellations of cmd-accepted, repeated after the restart")
                        .hasSize(1);
                assertThat(outcomes.rejectionsOf("cmd-accepted")).isEmpty();

                List<String> warnings = streamsLog.lines().stream()
                        .filter(line ->
                                line.level().equals("WARN") || line.level().equals("ERROR"))
                        .map(line -> line.level() + " " + line.message())
                        .toList();
                assertThat(ChangelogRecordsRestored.of(app) - restoredBefore)
                        .as(
                                "changelog records restored after a clean restart on the same state directory"
                                        + " (Kafka Streams' warnings meanwhile: %s)",
                                warnings)
                        .isZero();
                assertThat(warnings)
                        .as("Kafka Streams' warnings and errors after the clean restart")
                        .noneMatch(line -> line.contains("did not find checkpoint offsets"))
                        .noneMatch(line -> line.contains("corrupted"));
            }
            processor.stop();

            // The count sees a restore: an empty state directory has only the changelogs to go by.
            Path empty = Files.createTempDirectory("cancel-it-empty-state");
            long restoredBeforeEmpty = ChangelogRecordsRestored.of(app);
            processor.start(settings -> settings.put(StreamsConfig.STATE_DIR_CONFIG, empty.toString()));
            await("changelog records restored into an empty state directory")
                    .atMost(WAIT)
                    .until(() -> ChangelogRecordsRestored.of(app) > restoredBeforeEmpty);
        }
    }

    /** Waits until the processor has committed a record of each run to the changelog of cancel-executions. */
    private static void awaitKept(String app, Set<String> runs) {
        String changelog = app + "-" + CancelStores.EXECUTIONS + "-changelog";
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Set<String> kept = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
            // the consumer is polled on this thread only: it must not be used from two
            await("records of " + runs + " in " + changelog)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .atMost(WAIT)
                    .until(() -> {
                        if (consumer.assignment().isEmpty()) {
                            List<TopicPartition> partitions = consumer.partitionsFor(changelog).stream()
                                    .map(info -> new TopicPartition(changelog, info.partition()))
                                    .toList();
                            consumer.assign(partitions);
                            consumer.seekToBeginning(partitions);
                        }
                        consumer.poll(Duration.ofMillis(200)).forEach(record -> kept.add(record.key()));
                        return kept.containsAll(runs);
                    });
        }
    }

    /** The end offset of the store's changelog, summed over its partitions: 0 if nothing was ever written. */
    private static long changelogEnd(String app, String store) throws Exception {
        String changelog = app + "-" + store + "-changelog";
        try (Admin admin = broker.kafka().admin()) {
            int partitions = admin.describeTopics(List.of(changelog))
                    .allTopicNames()
                    .get()
                    .get(changelog)
                    .partitions()
                    .size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            IntStream.range(0, partitions)
                    .forEach(partition -> latest.put(new TopicPartition(changelog, partition), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }

    /**
     * On the restore consumer: counts the records it hands Kafka Streams from each changelog, which
     * are those it restores into a store. Kafka Streams makes it from its class name.
     */
    public static final class ChangelogRecordsRestored implements ConsumerInterceptor<Object, Object> {

        private static final Map<String, AtomicLong> BY_TOPIC = new ConcurrentHashMap<>();

        /** Records restored so far from the changelogs of {@code applicationId}, by every instance of this JVM. */
        static long of(String applicationId) {
            return BY_TOPIC.entrySet().stream()
                    .filter(entry -> entry.getKey().startsWith(applicationId + "-"))
                    .mapToLong(entry -> entry.getValue().get())
                    .sum();
        }

        @Override
        public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
            for (ConsumerRecord<Object, Object> record : records) {
                if (record.topic().endsWith("-changelog")) {
                    BY_TOPIC.computeIfAbsent(record.topic(), topic -> new AtomicLong())
                            .incrementAndGet();
                }
            }
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

        @Override
        public void close() {}

        @Override
        public void configure(Map<String, ?> configs) {}
    }
}
