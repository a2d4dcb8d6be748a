package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.InProcessProcessor.SettingsChange;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.serde.AvroBinarySerde;
import io.controlplane.cancel.topology.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upgrade in place, stop-start, from the previous version (five stores, +2 for the cascade, and the
 * cascade's two repartition topics; git cf94933): the previous version's state is written on Kafka
 * in its own formats, byte for byte as its stores logged it, under this test's application.id; then
 * this version starts on it through its real start-up path (StartupChecks finds the old changelogs)
 * and carries on: repeats of commands decided before the upgrade produce nothing, cancellations,
 * waiting commands, child links and cascade passes survive, and links left in flight in the old
 * links topic still cascade. A second restart moves nothing twice and produces nothing new.
 *
 * <p>One partition for every topic, so every old changelog record is on partition 0, the one task.
 */
class UpgradeInPlaceIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TENANT = "acme";
    private static final String ALICE = "alice";
    private static final long DEDUP_RETENTION_MS = Duration.ofHours(24).toMillis();
    /** Kafka Streams' default windowstore.changelog.additional.retention.ms, as it configures a window changelog. */
    private static final long WINDOW_CHANGELOG_EXTRA_MS = Duration.ofDays(1).toMillis();

    /** The previous version's stores, each logged to {@code <application.id>-<store>-changelog}. */
    private static final String RUN_STATES = "cancel-run-states";

    private static final String CANCELLATIONS = "cancel-cancellations";
    private static final String DECIDED_COMMANDS = "cancel-decided-commands";
    private static final String WAITING_COMMANDS = "cancel-waiting-commands";
    private static final String WAITING_DEADLINES = "cancel-waiting-deadlines";
    private static final String CHILDREN = "cancel-children";
    private static final String CASCADE_PASSED = "cancel-cascade-passed";
    /** Its key-value stores: each entry moved is deleted, so each key's last record ends as a tombstone. */
    private static final List<String> MOVED_STORES =
            List.of(RUN_STATES, CANCELLATIONS, WAITING_COMMANDS, WAITING_DEADLINES, CHILDREN, CASCADE_PASSED);

    private static final List<String> OLD_STORES = List.of(
            RUN_STATES, CANCELLATIONS, DECIDED_COMMANDS, WAITING_COMMANDS, WAITING_DEADLINES, CHILDREN, CASCADE_PASSED);
    /** Its cascade's repartition topics, after the application.id: links keyed by parent, cascades by child. */
    private static final String OLD_LINKS_SUFFIX = "-cancel-child-links-repartition";

    private static final String OLD_CASCADE_SUFFIX = "-cancel-cascade-repartition";
    private static final char SEPARATOR = '\u0000';

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedByTheTests(
                    broker,
                    // Long enough that only a moved waiting command can still be waiting when its run state arrives.
                    SettingsChange.notFoundGrace(Duration.ofMinutes(3)))
            .partitions(1)
            .seededWith(traffic -> traffic.grant(ALICE, List.of("admin"), List.of(TENANT)));

    @Test
    void thisVersionCarriesOnFromWhatThePreviousVersionLeftOnKafka() throws Exception {
        String app = String.valueOf(processor.settings().get(StreamsConfig.APPLICATION_ID_CONFIG));
        Topics topics = processor.topics();
        CancelTraffic traffic = processor.traffic();
        long now = System.currentTimeMillis();
        try (Admin admin = broker.kafka().admin();
                Outcomes outcomes = processor.outcomes()) {
            leaveWhatThePreviousVersionLeft(admin, app, now);

            processor.start();

            // 1. Commands decided before the upgrade are still repeats: the old decided store is asked.
            // The marker after them is a decision expected anyway (2.), so they were read before it.
            traffic.cancel("cmd-old", "up-cancelled", ALICE);
            traffic.cancel("cmd-rej", "up-running", ALICE);
            traffic.cancel("cmd-new", "up-cancelled", ALICE);
            traffic.flush();
            assertThat(outcomes.awaitUntil(
                            () -> !outcomes.rejectionsOf("cmd-new").isEmpty()
                                    || !outcomes.cancellationsOf("cmd-new").isEmpty(),
                            WAIT))
                    .as("the marker command cmd-new is decided")
                    .isTrue();
            // (the old cascade topics are waited for once the in-flight link is known to be read, in 5.)
            Committed afterRepeats = settled(admin, app, topics, inputs(topics));
            assertThat(afterRepeats.commandIds())
                    .as("outcomes of repeats of commands the previous version decided (cmd-old cancelled"
                            + " up-cancelled, cmd-rej was rejected on up-running): none")
                    .doesNotContain("cmd-old", "cmd-rej");

            // 2. The previous version's cancellation survived: a new command finds the run cancelled.
            assertThat(outcomes.cancellationsOf("cmd-new"))
                    .as("cancellations of up-cancelled, which the previous version cancelled, by a new command")
                    .isEmpty();
            CancelRejection rejected = outcomes.rejectionsOf("cmd-new").get(0);
            assertThat(rejected.getExecutionId()).isEqualTo("up-cancelled");
            assertThat(rejected.getCode())
                    .as("a new command on the run the previous version cancelled")
                    .isEqualTo(RejectionCode.ALREADY_TERMINAL);
            assertThat(rejected.getObservedStatus()).isEqualTo(RunStatus.CANCELLED);

            // 3. The waiting command was moved: the run's state arriving now decides it.
            traffic.runState("up-waiting", TENANT, RunStatus.RUNNING, 1);
            traffic.flush();
            assertThat(outcomes.awaitUntil(
                            () -> !outcomes.cancellationsOf("cmd-w").isEmpty(), WAIT))
                    .as("the command cmd-w, waiting in the previous version, cancels up-waiting when its state arrives")
                    .isTrue();
            RunStateChange waited = outcomes.cancellationsOf("cmd-w").get(0);
            assertThat(waited.getExecutionId()).isEqualTo("up-waiting");
            assertThat(waited.getCancelledBy()).isEqualTo(ALICE);
            assertThat(waited.getVersion()).isEqualTo(2);

            // 4. The child links the previous version indexed survived: a cancel of the parent cascades.
            traffic.cancel("cmd-p2", "up-parent2", ALICE);
            traffic.flush();
            assertThat(outcomes.awaitUntil(
                            () -> !outcomes.cancellationsOf("cmd-p2/up-child2").isEmpty(), WAIT))
                    .as("up-child2, linked to up-parent2 in the previous version's children store, is cancelled"
                            + " by the cascade from up-parent2")
                    .isTrue();
            assertThat(outcomes.cancellationsOf("cmd-p2"))
                    .singleElement()
                    .satisfies(parent -> assertThat(parent.getExecutionId()).isEqualTo("up-parent2"));
            RunStateChange child2 = outcomes.cancellationsOf("cmd-p2/up-child2").get(0);
            assertThat(child2.getExecutionId()).isEqualTo("up-child2");
            assertThat(child2.getCascadedFrom()).isEqualTo("up-parent2");

            // 5. The link the previous version left in flight in its links topic still cascades.
            assertThat(outcomes.awaitUntil(
                            () -> !outcomes.cancellationsOf("cmd-p3/up-child3").isEmpty(), WAIT))
                    .as("up-child3, whose link to the cancelled up-parent3 was in flight in the previous version's"
                            + " links topic, is cancelled by the cascade from up-parent3")
                    .isTrue();
            RunStateChange child3 = outcomes.cancellationsOf("cmd-p3/up-child3").get(0);
            assertThat(child3.getExecutionId()).isEqualTo("up-child3");
            assertThat(child3.getCascadedFrom()).isEqualTo("up-parent3");

            // 5b. The cascade passes survived: a link in flight to a run a cascade passed through
            // (ended, so not cancelled) brings that cascade's cancellation to the new child.
            assertThat(outcomes.awaitUntil(
                            () -> !outcomes.cancellationsOf("cmd-p4/up-child4").isEmpty(), WAIT))
                    .as("up-child4, whose link to up-mid4 was in flight, is cancelled by the cascade from up-root4"
                            + " that the previous version passed through the completed up-mid4")
                    .isTrue();
            RunStateChange child4 = outcomes.cancellationsOf("cmd-p4/up-child4").get(0);
            assertThat(child4.getExecutionId()).isEqualTo("up-child4");
            assertThat(child4.getCascadedFrom()).isEqualTo("up-root4");

            // 6. Nothing else, and the old stores were emptied as they were moved.
            Committed beforeRestart = settled(admin, app, topics, inputsWithTheOldCascadeTopics(app, topics));
            assertThat(beforeRestart.deadLetters).as("dead letters").isEmpty();
            assertThat(beforeRestart.rejections)
                    .as("rejections")
                    .extracting(CancelRejection::getCommandId)
                    .containsExactly("cmd-new");
            assertThat(beforeRestart.cancellations)
                    .as("cancellations: (commandId, executionId)")
                    .extracting(change -> change.getCommandId() + " on " + change.getExecutionId())
                    .containsExactlyInAnyOrder(
                            "cmd-w on up-waiting",
                            "cmd-p2 on up-parent2",
                            "cmd-p2/up-child2 on up-child2",
                            "cmd-p3/up-child3 on up-child3",
                            "cmd-p4/up-child4 on up-child4");
            for (String store : MOVED_STORES) {
                Map<String, byte[]> left = lastValueByKey(committed(changelog(app, store), 0));
                assertThat(left.entrySet())
                        .as(
                                "entries left in the previous version's store %s after the move (each moved entry is"
                                        + " deleted, so that a restart moves nothing twice)",
                                store)
                        .filteredOn(entry -> entry.getValue() != null)
                        .isEmpty();
            }

            // ... and a restart moves nothing twice and decides nothing anew.
            Map<String, Long> oldEnds = new HashMap<>();
            for (String store : OLD_STORES) {
                oldEnds.put(store, endOffset(changelog(app, store)));
            }
            String executionsChangelog = changelog(app, "cancel-executions");
            long executionsEnd = endOffset(executionsChangelog);
            processor.stop();
            processor.start();
            traffic.cancel("cmd-after-restart", "up-cancelled", ALICE);
            traffic.flush();
            assertThat(outcomes.awaitUntil(
                            () -> !outcomes.rejectionsOf("cmd-after-restart").isEmpty(), WAIT))
                    .as("the marker command cmd-after-restart is decided")
                    .isTrue();
            Committed afterRestart = settled(admin, app, topics, inputsWithTheOldCascadeTopics(app, topics));
            assertThat(afterRestart.deadLetters)
                    .as("dead letters after the restart")
                    .isEmpty();
            assertThat(afterRestart.cancellations)
                    .as("cancellations after the restart")
                    .extracting(change -> change.getCommandId() + " on " + change.getExecutionId())
                    .containsExactlyInAnyOrderElementsOf(beforeRestart.cancellations.stream()
                            .map(change -> change.getCommandId() + " on " + change.getExecutionId())
                            .toList());
            assertThat(afterRestart.rejections)
                    .as("rejections after the restart")
                    .extracting(CancelRejection::getCommandId)
                    .containsExactly("cmd-new", "cmd-after-restart");
            for (String store : OLD_STORES) {
                assertThat(endOffset(changelog(app, store)))
                        .as("records written to the previous version's store %s by the restarted processor", store)
                        .isEqualTo(oldEnds.get(store));
            }
            assertThat(committed(executionsChangelog, executionsEnd))
                    .as("runs' records written by the restarted processor: only the marker's run, for the"
                            + " marker's decision (a second move would write the moved runs again)")
                    .extracting(ConsumerRecord::key)
                    .extracting(key -> new String(key, StandardCharsets.UTF_8))
                    .containsOnly("up-cancelled");
        }
    }

    /**
     * What the previous version, deployed with these settings, had on Kafka when it was stopped: its
     * changelog and repartition topics, one partition each, holding the records as it logged them.
     */
    private static void leaveWhatThePreviousVersionLeft(Admin admin, String app, long now) throws Exception {
        List<NewTopic> oldTopics = new ArrayList<>();
        for (String store : OLD_STORES) {
            Map<String, String> configs = store.equals(DECIDED_COMMANDS)
                    ? Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG,
                            String.valueOf(DEDUP_RETENTION_MS + WINDOW_CHANGELOG_EXTRA_MS))
                    : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            oldTopics.add(new NewTopic(changelog(app, store), 1, (short) 1).configs(configs));
        }
        for (String suffix : List.of(OLD_LINKS_SUFFIX, OLD_CASCADE_SUFFIX)) {
            oldTopics.add(new NewTopic(app + suffix, 1, (short) 1)
                    .configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG,
                            "-1")));
        }
        admin.createTopics(oldTopics).all().get(30, TimeUnit.SECONDS);
        Set<String> names = oldTopics.stream().map(NewTopic::name).collect(Collectors.toSet());
        // StartupChecks lists the topics: they must be listed before the processor starts
        await("the previous version's topics listed")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> admin.listTopics().names().get().containsAll(names));

        AvroBinarySerde<RunState> runStates = new AvroBinarySerde<>(RunState.class);
        AvroBinarySerde<RunStateChange> changes = new AvroBinarySerde<>(RunStateChange.class);
        AvroBinarySerde<CancelCommand> commands = new AvroBinarySerde<>(CancelCommand.class);
        Instant earlier = Instant.ofEpochMilli(now).minus(Duration.ofMinutes(5));
        long minuteAgo = now - Duration.ofMinutes(1).toMillis();
        Map<String, RunState> states = new LinkedHashMap<>();
        states.put("up-cancelled", new RunState("up-cancelled", TENANT, RunStatus.RUNNING, 1L, earlier, null, null));
        states.put("up-running", new RunState("up-running", TENANT, RunStatus.RUNNING, 2L, earlier, null, null));
        states.put("up-parent2", new RunState("up-parent2", TENANT, RunStatus.RUNNING, 1L, earlier, null, null));
        states.put("up-child2", new RunState("up-child2", TENANT, RunStatus.RUNNING, 1L, earlier, "up-parent2", null));
        states.put("up-parent3", new RunState("up-parent3", TENANT, RunStatus.RUNNING, 1L, earlier, null, null));
        states.put("up-child3", new RunState("up-child3", TENANT, RunStatus.RUNNING, 1L, earlier, "up-parent3", null));
        states.put("up-root4", new RunState("up-root4", TENANT, RunStatus.RUNNING, 1L, earlier, null, null));
        states.put("up-mid4", new RunState("up-mid4", TENANT, RunStatus.COMPLETED, 2L, earlier, "up-root4", null));
        states.put("up-child4", new RunState("up-child4", TENANT, RunStatus.RUNNING, 1L, earlier, "up-mid4", null));
        CancelCommand waiting = new CancelCommand(
                "cmd-w",
                "up-waiting",
                ALICE,
                "stuck",
                Instant.ofEpochMilli(minuteAgo),
                "trace-cmd-w",
                CancelMode.FORCE,
                null,
                null);
        String waitingKey = "up-waiting" + SEPARATOR + ALICE + SEPARATOR + "cmd-w";
        long waitingDeadline = now + Duration.ofMinutes(2).toMillis();

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            Writer old = (topic, key, value, timestamp) ->
                    producer.send(new ProducerRecord<>(topic, 0, timestamp, key, value));
            states.forEach((id, state) -> old.write(
                    changelog(app, RUN_STATES), utf8(id), runStates.serializer().serialize(null, state), now));
            old.write(
                    changelog(app, CANCELLATIONS),
                    utf8("up-cancelled"),
                    changes.serializer().serialize(null, cancellation("up-cancelled", "cmd-old", minuteAgo)),
                    minuteAgo);
            old.write(
                    changelog(app, CANCELLATIONS),
                    utf8("up-parent3"),
                    changes.serializer().serialize(null, cancellation("up-parent3", "cmd-p3", minuteAgo)),
                    minuteAgo);
            // cmd-rej was rejected on up-running (alice held no grant then): a decision all the same
            old.write(
                    changelog(app, CANCELLATIONS),
                    utf8("up-root4"),
                    changes.serializer().serialize(null, cancellation("up-root4", "cmd-p4", minuteAgo)),
                    minuteAgo);
            for (String commandId : List.of("cmd-old", "cmd-rej", "cmd-p3", "cmd-p4")) {
                old.write(
                        changelog(app, DECIDED_COMMANDS),
                        decidedKey(ALICE, commandId, minuteAgo),
                        ByteBuffer.allocate(Long.BYTES).putLong(minuteAgo).array(),
                        minuteAgo);
            }
            old.write(
                    changelog(app, WAITING_COMMANDS),
                    utf8(waitingKey),
                    commands.serializer().serialize(null, waiting),
                    minuteAgo);
            old.write(
                    changelog(app, WAITING_DEADLINES),
                    ByteBuffer.allocate(Long.BYTES + utf8(waitingKey).length)
                            .putLong(waitingDeadline)
                            .put(utf8(waitingKey))
                            .array(),
                    new byte[0],
                    minuteAgo);
            old.write(changelog(app, CHILDREN), utf8("up-parent2" + SEPARATOR + "up-child2"), new byte[0], now);
            // up-root4's cancellation cascaded to up-mid4, which had completed: passed through, in tenant acme
            old.write(changelog(app, CHILDREN), utf8("up-root4" + SEPARATOR + "up-mid4"), new byte[0], now);
            old.write(
                    changelog(app, CASCADE_PASSED),
                    utf8("up-mid4" + SEPARATOR + TENANT),
                    changes.serializer().serialize(null, cancellation("up-root4", "cmd-p4", minuteAgo)),
                    minuteAgo);
            // up-child3's and up-child4's links are in flight: in the links topic, not yet in the children store
            old.write(app + OLD_LINKS_SUFFIX, utf8("up-parent3"), utf8("up-child3"), now);
            old.write(app + OLD_LINKS_SUFFIX, utf8("up-mid4"), utf8("up-child4"), now);
            producer.flush();
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(String topic, byte[] key, byte[] value, long timestamp);
    }

    private static RunStateChange cancellation(String executionId, String commandId, long at) {
        return new RunStateChange(
                executionId,
                TENANT,
                RunStatus.CANCELLED,
                RunStatus.RUNNING,
                Instant.ofEpochMilli(at),
                ALICE,
                "before the upgrade",
                commandId,
                2L,
                "trace-" + commandId,
                null,
                null,
                false);
    }

    /** A decided-commands window store changelog key: the key string, the window start, seqnum 0. */
    private static byte[] decidedKey(String actorId, String commandId, long windowStart) {
        String key = actorId.length() + ":" + actorId + commandId;
        return WindowKeySchema.toStoreKeyBinary(Bytes.wrap(utf8(key)), windowStart, 0)
                .get();
    }

    private static String changelog(String app, String store) {
        return app + "-" + store + "-changelog";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The outcomes the processor committed, read to their end. */
    private record Committed(
            List<RunStateChange> cancellations,
            List<CancelRejection> rejections,
            List<ConsumerRecord<byte[], byte[]>> deadLetters) {

        List<String> commandIds() {
            List<String> ids = new ArrayList<>();
            cancellations.forEach(change -> ids.add(change.getCommandId()));
            rejections.forEach(rejection -> ids.add(rejection.getCommandId()));
            return ids;
        }
    }

    /** The inputs of this version: the topics upstream writes to, and its own cascade topic. */
    private static List<String> inputs(Topics topics) {
        return List.of(topics.commands.name(), topics.runStates.name(), topics.cascade);
    }

    /** Its inputs and the previous version's cascade topics, which it reads on after the upgrade. */
    private static List<String> inputsWithTheOldCascadeTopics(String app, Topics topics) {
        List<String> inputs = new ArrayList<>(inputs(topics));
        inputs.add(app + OLD_LINKS_SUFFIX);
        inputs.add(app + OLD_CASCADE_SUFFIX);
        return inputs;
    }

    /**
     * Once the processor has committed every record now in {@code inputs} (under exactly-once that
     * commit is in the transaction that wrote their outcomes), every outcome it wrote, read_committed.
     */
    private static Committed settled(Admin admin, String app, Topics topics, List<String> inputs) {
        await("the processor commits all of " + inputs)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> consumedAll(admin, app, inputs));
        return new Committed(
                committed(topics.runStateChanges.name(), 0).stream()
                        .map(record -> topics.runStateChanges
                                .valueSerde()
                                .deserializer()
                                .deserialize(record.topic(), record.value()))
                        .toList(),
                committed(topics.rejections.name(), 0).stream()
                        .map(record -> topics.rejections
                                .valueSerde()
                                .deserializer()
                                .deserialize(record.topic(), record.value()))
                        .toList(),
                committed(topics.dlq, 0));
    }

    /**
     * Whether the group's committed offsets reach the end of each input, and the ends did not move
     * meanwhile: then at one moment every input record was consumed and nothing was in flight (a
     * cascade message the processor is writing counts in its topic's end before it is committed).
     */
    private static boolean consumedAll(Admin admin, String groupId, List<String> inputs) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = inputs.stream()
                .collect(Collectors.toMap(topic -> new TopicPartition(topic, 0), topic -> OffsetSpec.latest()));
        Map<TopicPartition, Long> before = ends(admin, latest);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                        groupId, new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> after = ends(admin, latest);
        return before.equals(after)
                && before.entrySet().stream()
                        .allMatch(end -> end.getValue() == 0
                                || committed.get(end.getKey()) != null
                                        && committed.get(end.getKey()).offset() >= end.getValue());
    }

    private static Map<TopicPartition, Long> ends(Admin admin, Map<TopicPartition, OffsetSpec> latest)
            throws Exception {
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, end -> end.getValue().offset()));
    }

    /** The committed records of partition 0 of {@code topic} from {@code fromOffset} to its last stable offset. */
    private static List<ConsumerRecord<byte[], byte[]>> committed(String topic, long fromOffset) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seek(partition, fromOffset);
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            // the consumer is polled on this thread only: it must not be used from two
            await("committed records of " + topic)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .atMost(WAIT)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                        return consumer.position(partition) >= end;
                    });
        }
        return records;
    }

    /** The end of partition 0 of {@code topic}, transaction markers included: moves with any write to it. */
    private static long endOffset(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_uncommitted"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    private static KafkaConsumer<byte[], byte[]> readCommitted() {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** The last value of each key (null: deleted), as a compacted topic ends up. */
    private static Map<String, byte[]> lastValueByKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, byte[]> last = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            last.put(Bytes.wrap(record.key()).toString(), record.value());
        }
        return last;
    }
}
