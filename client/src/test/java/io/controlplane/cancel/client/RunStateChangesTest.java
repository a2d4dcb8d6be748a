package io.controlplane.cancel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.serde.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subscription's rules on a MockConsumer: the test adds records, rebalances (on the poll thread,
 * as Kafka calls the callbacks in poll) and waits with bounds; the subscription's own thread polls.
 */
class RunStateChangesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);

    private final String scope = "run-state-changes-" + UUID.randomUUID();
    private final CancelClientConfig config =
            new CancelClientConfig(Map.of("schema.registry.url", "mock://" + scope, "bootstrap.servers", "kafka:9092"));
    private final String changesTopic = config.topic(CancelTopic.RUN_STATE_CHANGES);
    private final String rejectionsTopic = config.topic(CancelTopic.REJECTIONS);
    private final TopicPartition changes0 = new TopicPartition(changesTopic, 0);
    private final TopicPartition changes1 = new TopicPartition(changesTopic, 1);
    private final TopicPartition rejections0 = new TopicPartition(rejectionsTopic, 0);

    private final PacedMockConsumer consumer = new PacedMockConsumer();
    private final List<RunStateEvent> events = new CopyOnWriteArrayList<>();
    private final List<SkippedRecord> skipped = new CopyOnWriteArrayList<>();
    private RunStateChanges subscription;

    @AfterEach
    void closeAndDropRegistry() {
        if (subscription != null) {
            subscription.close();
        }
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void eachOutcomeReachesTheListenerAsItsTypedEvent() {
        groupMemberOf(changes0, rejections0).start();

        consumer.addRecord(record(changes0, 0, "run-1", change("run-1", "c-1", RunStatus.CANCELLED, true)));
        consumer.addRecord(record(changes0, 1, "run-2", change("run-2", "c-2", RunStatus.CANCELLING, false)));
        consumer.addRecord(record(rejections0, 0, "run-3", rejection("run-3", "c-3")));

        await().atMost(WAIT).until(() -> events.size() == 3);
        assertThat(events.get(0)).isInstanceOfSatisfying(RunStateEvent.Cancelled.class, cancelled -> {
            assertThat(cancelled.executionId()).isEqualTo("run-1");
            assertThat(cancelled.commandId()).isEqualTo("c-1");
            assertThat(cancelled.escalated()).isTrue();
        });
        assertThat(events.get(1)).isInstanceOfSatisfying(RunStateEvent.Cancelling.class, cancelling -> {
            assertThat(cancelling.executionId()).isEqualTo("run-2");
            assertThat(cancelling.commandId()).isEqualTo("c-2");
        });
        assertThat(events.get(2)).isInstanceOfSatisfying(RunStateEvent.Rejected.class, rejected -> {
            assertThat(rejected.executionId()).isEqualTo("run-3");
            assertThat(rejected.commandId()).isEqualTo("c-3");
            assertThat(rejected.rejection().getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
        });
    }

    @Test
    void undecodableRecordsAreSkippedAndTheSubscriptionGoesOn() {
        groupMemberOf(changes0).start();

        consumer.addRecord(raw(changes0, 0, "run-1", "not avro".getBytes(StandardCharsets.UTF_8)));
        consumer.addRecord(raw(changes0, 1, "run-2", null));
        consumer.addRecord(record(changes0, 2, "run-3", change("run-3", "c-3", RunStatus.RUNNING, false)));
        consumer.addRecord(record(changes0, 3, "run-4", change("run-4", "c-4", RunStatus.CANCELLED, false)));

        await().atMost(WAIT).until(() -> committed(changes0) == 4);
        assertThat(events)
                .singleElement()
                .extracting(RunStateEvent::executionId)
                .isEqualTo("run-4");
        assertThat(subscription.skipped()).isEqualTo(3);
        assertThat(skipped)
                .extracting(SkippedRecord::topic, SkippedRecord::offset, SkippedRecord::key)
                .containsExactly(
                        tuple(changesTopic, 0L, "run-1"),
                        tuple(changesTopic, 1L, "run-2"),
                        tuple(changesTopic, 2L, "run-3"));
        assertThat(skipped.get(0).valueSize()).isEqualTo(8);
        assertThat(skipped.get(1).valueSize()).isZero();
        assertThat(skipped.get(0).cause()).isNotNull();
        assertThat(skipped.get(1).cause()).as("no value, nothing to decode").isNull();
        assertThat(skipped.get(2).cause().getMessage()).contains("RUNNING");
    }

    @Test
    void offsetsAreCommittedOnlyAfterTheListenerReturned() throws InterruptedException {
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        groupMemberOf(
                        event -> {
                            inListener.countDown();
                            awaitQuietly(release);
                            events.add(event);
                        },
                        changes0)
                .start();

        consumer.addRecord(record(changes0, 0, "run-1", change("run-1", "c-1", RunStatus.CANCELLED, false)));

        assertThat(inListener.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(committed(changes0)).as("committed while the listener runs").isNull();
        release.countDown();
        await().atMost(WAIT).until(() -> committed(changes0) != null);
        assertThat(committed(changes0)).isEqualTo(1);
        assertThat(events).hasSize(1);
    }

    @Test
    void aListenerThatThrowsStopsTheSubscriptionAndItsRecordIsReadAgain() {
        IllegalStateException bug = new IllegalStateException("the service's bug");
        groupMemberOf(
                        event -> {
                            if (event.executionId().equals("run-2")) {
                                throw bug;
                            }
                            events.add(event);
                        },
                        changes0)
                .start();

        consumer.addRecord(record(changes0, 0, "run-1", change("run-1", "c-1", RunStatus.CANCELLED, false)));
        consumer.addRecord(record(changes0, 1, "run-2", change("run-2", "c-2", RunStatus.CANCELLED, false)));
        consumer.addRecord(record(changes0, 2, "run-3", change("run-3", "c-3", RunStatus.CANCELLED, false)));

        await().atMost(WAIT)
                .until(() -> subscription.stopped().toCompletableFuture().isDone());
        assertThat(subscription.stopped().toCompletableFuture())
                .failsWithin(Duration.ZERO)
                .withThrowableThat()
                .havingCause()
                .isSameAs(bug);
        assertThat(events).extracting(RunStateEvent::executionId).containsExactly("run-1");
        assertThat(committed(changes0))
                .as("the next member starts at run-2's record")
                .isEqualTo(1);
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void offsetsAreCommittedWhenPartitionsAreRevoked() {
        consumer.asyncCommitsStayInFlight = true;
        groupMemberOf(changes0, changes1).start();

        consumer.addRecord(record(changes0, 0, "run-1", change("run-1", "c-1", RunStatus.CANCELLED, false)));
        await().atMost(WAIT).until(() -> events.size() == 1);
        assertThat(committed(changes0)).as("the batch's commit has not landed").isNull();

        consumer.schedulePollTask(() -> consumer.rebalance(List.of(changes1)));

        await().atMost(WAIT).until(() -> committed(changes0) != null);
        assertThat(committed(changes0)).isEqualTo(1);
    }

    @Test
    void closeCommitsWhatWasHandledAndClosesTheConsumer() {
        consumer.asyncCommitsStayInFlight = true;
        groupMemberOf(changes0).start();
        consumer.addRecord(record(changes0, 0, "run-1", change("run-1", "c-1", RunStatus.CANCELLED, false)));
        await().atMost(WAIT).until(() -> events.size() == 1);

        subscription.close();

        assertThat(committed(changes0)).isEqualTo(1);
        assertThat(consumer.closed()).isTrue();
        assertThat(subscription.stopped().toCompletableFuture()).isCompleted();
    }

    @Test
    void theGroupReadsOnlyCommittedTransactions() {
        CancelClientConfig saysOtherwise = new CancelClientConfig(Map.of(
                "isolation.level", "read_uncommitted",
                "consumer.enable.auto.commit", "true",
                "group.id", "someone-elses",
                "cancel.client.id", "billing"));

        Map<String, Object> member = RunStateConsumerSettings.ofGroupMember(saysOtherwise, "billing-reactor");
        Map<String, Object> tail = RunStateConsumerSettings.ofTail(saysOtherwise);

        for (Map<String, Object> settings : List.of(member, tail)) {
            assertThat(settings)
                    .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                    .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                    .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            assertThat((String) settings.get(ConsumerConfig.CLIENT_ID_CONFIG)).startsWith("billing-");
        }
        assertThat(member).containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "billing-reactor");
        assertThat(tail).doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG);
        assertThat(RunStateConsumerSettings.ofGroupMember(
                                new CancelClientConfig(Map.of("auto.offset.reset", "latest")), "g")
                        .get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG))
                .as("the settings' own reset wins")
                .isEqualTo("latest");
    }

    @Test
    void aGroupIdIsRequired() {
        for (String groupId : new String[] {null, "", "  "}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> RunStateChanges.subscribe(config, groupId, events::add));
        }
    }

    @Test
    void tailStartsAtTheEndsAndCommitsNothing() {
        partitionsOnKafka(Map.of(changes0, 5L, changes1, 7L, rejections0, 4L));

        RunStateChanges.assignEveryPartition(
                consumer, List.of(changesTopic, rejectionsTopic), RunStateChanges.From.NOW, KAFKA_TIMEOUT);
        // written after tail returned: the ends have moved on, the tail's places have not
        consumer.updateEndOffsets(Map.of(changes0, 6L, changes1, 8L, rejections0, 5L));
        consumer.addRecord(record(changes0, 5, "run-1", change("run-1", "c-1", RunStatus.CANCELLED, false)));
        consumer.addRecord(record(changes1, 7, "run-2", change("run-2", "c-2", RunStatus.CANCELLED, false)));
        consumer.addRecord(record(rejections0, 4, "run-3", rejection("run-3", "c-3")));
        tailing().start();

        await().atMost(WAIT).until(() -> events.size() == 3);
        subscription.close();
        assertThat(consumer.subscription()).as("no group").isEmpty();
        assertThat(consumer.commits).hasValue(0);
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void tailFromTheBeginningStartsAtTheOldestRecordsKept() {
        partitionsOnKafka(Map.of(changes0, 5L, changes1, 7L, rejections0, 4L));

        RunStateChanges.assignEveryPartition(
                consumer, List.of(changesTopic, rejectionsTopic), RunStateChanges.From.BEGINNING, KAFKA_TIMEOUT);

        assertThat(consumer.position(changes0)).isEqualTo(3);
        assertThat(consumer.position(changes1)).isEqualTo(3);
        assertThat(consumer.position(rejections0)).isEqualTo(3);
    }

    @Test
    void tailOfATopicThatDoesNotExistSaysSo() {
        partitionsOnKafka(Map.of(changes0, 5L));

        assertThatThrownBy(() -> RunStateChanges.assignEveryPartition(
                        consumer, List.of(changesTopic, rejectionsTopic), RunStateChanges.From.NOW, KAFKA_TIMEOUT))
                .isInstanceOf(CancelClientException.class)
                .hasMessage("Topic " + rejectionsTopic + " does not exist");
    }

    @Test
    void closeEndsThePollThreadWithinItsBound() {
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        groupMemberOf(
                        event -> {
                            inListener.countDown();
                            try {
                                never.await();
                            } catch (InterruptedException e) {
                                interrupted.incrementAndGet();
                            }
                        },
                        changes0)
                .start();
        consumer.addRecord(record(changes0, 0, "run-1", change("run-1", "c-1", RunStatus.CANCELLED, false)));
        await().atMost(WAIT).until(() -> inListener.getCount() == 0);

        long started = System.nanoTime();
        subscription.close(Duration.ofMillis(200));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(2));
        await().atMost(WAIT).until(() -> interrupted.get() == 1 && consumer.closed());
        assertThat(subscription.stopped().toCompletableFuture()).succeedsWithin(WAIT);
    }

    @Test
    void anUnreachableRegistryHoldsRecordsBackInsteadOfSkippingThem() {
        AtomicInteger outages = new AtomicInteger(2);
        Deserializer<RunStateChange> real =
                config.valueSerde(RunStateChange.class).deserializer();
        Deserializer<RunStateChange> flaky = new Deserializer<>() {
            @Override
            public RunStateChange deserialize(String topic, byte[] data) {
                int left = outages.getAndDecrement();
                if (left == 2) {
                    // run-2 arrives while run-1 waits for the registry: it must still come after run-1
                    consumer.addRecord(
                            record(changes0, 1, "run-2", change("run-2", "c-2", RunStatus.CANCELLED, false)));
                }
                if (left > 0) {
                    throw new SchemaRegistryUnavailableException("registry: 503");
                }
                return real.deserialize(topic, data);
            }
        };
        groupMemberOf(
                        new RunStateDecoder(
                                changesTopic,
                                rejectionsTopic,
                                flaky,
                                config.valueSerde(CancelRejection.class).deserializer()),
                        events::add,
                        changes0)
                .start();

        consumer.addRecord(record(changes0, 0, "run-1", change("run-1", "c-1", RunStatus.CANCELLED, false)));

        await().atMost(WAIT).until(() -> events.size() == 2);
        assertThat(events).extracting(RunStateEvent::executionId).containsExactly("run-1", "run-2");
        assertThat(subscription.skipped()).isZero();
    }

    private RunStateChanges groupMemberOf(TopicPartition... assigned) {
        return groupMemberOf(events::add, assigned);
    }

    /** A member of a group that assigned it {@code assigned}, each partition's committed offset 0. */
    private RunStateChanges groupMemberOf(Consumer<RunStateEvent> listener, TopicPartition... assigned) {
        return groupMemberOf(RunStateDecoder.of(config), listener, assigned);
    }

    private RunStateChanges groupMemberOf(
            RunStateDecoder decoder, Consumer<RunStateEvent> listener, TopicPartition... assigned) {
        subscription = new RunStateChanges(
                consumer, decoder, true, listener, skipped::add, KAFKA_TIMEOUT, Duration.ofMillis(1));
        Map<TopicPartition, Long> beginnings = new HashMap<>();
        for (TopicPartition partition : List.of(changes0, changes1, rejections0)) {
            beginnings.put(partition, 0L);
        }
        consumer.updateBeginningOffsets(beginnings);
        consumer.rebalance(List.of(assigned));
        return subscription;
    }

    private RunStateChanges tailing() {
        subscription = new RunStateChanges(
                consumer,
                RunStateDecoder.of(config),
                false,
                events::add,
                skipped::add,
                KAFKA_TIMEOUT,
                Duration.ofMillis(1));
        return subscription;
    }

    /** Kafka holds the partitions with offsets 3 up to these ends. */
    private void partitionsOnKafka(Map<TopicPartition, Long> ends) {
        Map<String, List<PartitionInfo>> byTopic = new HashMap<>();
        Node node = new Node(0, "kafka", 9092);
        ends.keySet()
                .forEach(partition -> byTopic.computeIfAbsent(partition.topic(), t -> new ArrayList<>())
                        .add(new PartitionInfo(
                                partition.topic(), partition.partition(), node, new Node[] {node}, new Node[] {node})));
        byTopic.forEach(consumer::updatePartitions);
        Map<TopicPartition, Long> beginnings = new HashMap<>();
        ends.keySet().forEach(partition -> beginnings.put(partition, 3L));
        consumer.updateBeginningOffsets(beginnings);
        consumer.updateEndOffsets(ends);
    }

    private Long committed(TopicPartition partition) {
        return consumer.committed.get(partition);
    }

    private ConsumerRecord<byte[], byte[]> record(
            TopicPartition partition, long offset, String key, SpecificRecord value) {
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) value.getClass();
        byte[] bytes = config.valueSerde(type).serializer().serialize(partition.topic(), value);
        return raw(partition, offset, key, bytes);
    }

    private static ConsumerRecord<byte[], byte[]> raw(TopicPartition partition, long offset, String key, byte[] value) {
        return new ConsumerRecord<>(
                partition.topic(), partition.partition(), offset, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static RunStateChange change(String executionId, String commandId, RunStatus status, boolean escalated) {
        return new RunStateChange(
                executionId,
                "acme",
                status,
                RunStatus.RUNNING,
                Instant.parse("2026-11-25T18:00:00Z"),
                "alice",
                null,
                commandId,
                2L,
                null,
                null,
                null,
                escalated);
    }

    private static CancelRejection rejection(String executionId, String commandId) {
        return CancelRejection.newBuilder()
                .setCommandId(commandId)
                .setExecutionId(executionId)
                .setCancelledBy("alice")
                .setCode(RejectionCode.ALREADY_TERMINAL)
                .setMessage("The run has ended.")
                .setRejectedAt(Instant.parse("2026-11-25T18:00:00Z"))
                .build();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
