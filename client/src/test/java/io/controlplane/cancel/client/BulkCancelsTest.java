package io.controlplane.cancel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.KeyPartitioner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk engine against a mock producer and consumer. The consumer plays the processor: each poll
 * task runs at one poll of the engine's thread, in order, so the test decides what each poll reads
 * and when time passes; nothing sleeps.
 */
class BulkCancelsTest {

    private static final Duration FOLLOW_FOR = Duration.ofSeconds(30);
    private static final String TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ";
    private static final String CALLBACK_THREAD = "test-callbacks";

    private final CancelClientConfig config = new CancelClientConfig(Map.of(
            "schema.registry.url", "mock://bulk-cancels-" + UUID.randomUUID(), CancelClientConfig.TIMEOUT_MS, "1000"));
    private final String bulkTopic = config.topic(CancelTopic.BULK);
    private final String progressTopic = config.topic(CancelTopic.BULK_PROGRESS);
    private final Serializer<BulkCancelProgress> progressSerializer =
            config.valueSerde(BulkCancelProgress.class).serializer();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none");
    private final ExecutorService callbacks =
            Executors.newSingleThreadExecutor(task -> new Thread(task, CALLBACK_THREAD));
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T18:00:00Z"));
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private Runnable onSend = () -> {};
    private boolean sendsFail;
    private MockProducer<String, byte[]> producer = producer(3);
    private BulkCancels bulks;

    @BeforeEach
    void topics() {
        commandPartitions(3);
        consumer.updatePartitions(progressTopic, partitions(progressTopic, 2));
        endsAt(0, 0);
    }

    @AfterEach
    void close() {
        if (bulks != null) {
            bulks.close();
        }
        callbacks.shutdownNow();
    }

    @Test
    void theBulkEndsDoneWhenEveryPartitionHasEnded() throws Exception {
        atPoll(progress("b-1", 0, BulkState.DONE, 2));
        atPoll(progress("b-1", 2, BulkState.DONE, 2));
        atPoll(progress("b-1", 1, BulkState.DONE, 1));

        BulkOutcome outcome = outcome(start(request()));

        assertThat(outcome).isEqualTo(new BulkOutcome.Done("b-1", counts(5), 3, false));
    }

    @Test
    void theBulkEndsAbortedWhenEveryPartitionHasEndedAndOneOfThemByAnAbort() throws Exception {
        atPoll(progress("b-1", 0, BulkState.DONE, 2));
        atPoll(progress("b-1", 1, BulkState.ABORTED, 1));
        atPoll(progress("b-1", 2, BulkState.PAUSED, 1));
        atPoll(progress("b-1", 2, BulkState.ABORTED, 3));

        BulkOutcome outcome = outcome(start(request()));

        assertThat(outcome).isEqualTo(new BulkOutcome.Aborted("b-1", counts(6), 3, false));
    }

    @Test
    void aRejectionOfTheWholeBulkEndsItRejected() throws Exception {
        atPoll(rejection("b-1", RejectionCode.UNAUTHORIZED, "Expected actor 'bob' to hold the 'admin' role."));
        atPoll(() -> passes(Duration.ofHours(1)));

        BulkOutcome outcome = outcome(start(request()));

        assertThat(outcome)
                .isEqualTo(new BulkOutcome.Rejected(
                        "b-1", "UNAUTHORIZED", "Expected actor 'bob' to hold the 'admin' role."));
        assertThat(events).containsExactly("sent b-1", "outcome");
    }

    @Test
    void progressOfOtherBulksIsIgnored() throws Exception {
        commandPartitions(1);
        atPoll(progress("b-other", 0, BulkState.DONE, 9));
        atPoll(rejection("b-other", RejectionCode.UNAUTHORIZED, "Not yours."));
        atPoll(progress("b-1", 0, BulkState.DONE, 1));

        BulkOutcome outcome = outcome(start(request()));

        assertThat(outcome).isEqualTo(new BulkOutcome.Done("b-1", counts(1), 1, false));
        assertThat(events).containsExactly("sent b-1", "1/1 ended, 1 reported, cancelled 1", "outcome");
    }

    @Test
    void theListenerSeesTheRunningTotals() throws Exception {
        commandPartitions(2);
        atPoll(progress("b-1", 0, BulkState.RUNNING, 1));
        atPoll(progress("b-1", 1, BulkState.RUNNING, 2));
        atPoll(progress("b-1", 0, BulkState.DONE, 3));
        atPoll(progress("b-1", 1, BulkState.DONE, 4));

        BulkOutcome outcome = outcome(start(request()));

        assertThat(outcome).isEqualTo(new BulkOutcome.Done("b-1", counts(7), 2, false));
        assertThat(events)
                .containsExactly(
                        "sent b-1",
                        "0/2 ended, 1 reported, cancelled 1",
                        "0/2 ended, 2 reported, cancelled 3",
                        "1/2 ended, 2 reported, cancelled 5",
                        "2/2 ended, 2 reported, cancelled 7",
                        "outcome");
    }

    @Test
    void noEndWithinTheTimeoutEndsTimedOutWithTheCountsSoFar() throws Exception {
        atPoll(progress("b-1", 0, BulkState.RUNNING, 1));
        atPoll(() -> passes(FOLLOW_FOR.minusMillis(1)));
        atPoll(progress("b-1", 1, BulkState.DONE, 2));
        atPoll(() -> passes(Duration.ofMillis(1)));

        BulkOutcome outcome = outcome(start(request()));

        assertThat(outcome)
                .isEqualTo(
                        new BulkOutcome.TimedOut("b-1", FOLLOW_FOR, new BulkProgress("b-1", counts(3), 3, 2, 1, 0, 0)));
    }

    @Test
    void theTokenIsSentAndAppearsInNoMessage() throws Exception {
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        TokenProvider tokens = (executionId, bulkId) -> {
            asked.add(executionId + " " + bulkId);
            return TOKEN;
        };
        commandPartitions(1);
        atPoll(progress("b-1", 0, BulkState.DONE, 1));

        BulkOutcome done = outcome(start(request(), tokens));

        assertThat(asked).containsExactly("null b-1");
        assertThat(new String(
                        producer.history()
                                .get(0)
                                .headers()
                                .lastHeader("authorization")
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo("Bearer " + TOKEN);
        assertThat(done.toString()).doesNotContain(TOKEN);
        assertThat(events).noneMatch(event -> event.contains(TOKEN));
    }

    @Test
    void aCommandThatCannotBeWrittenFailsWithoutTheToken() throws Exception {
        sendsFail = true;

        CompletionStage<BulkOutcome> failed = start(request(), (executionId, bulkId) -> TOKEN);

        assertThatThrownBy(() -> outcome(failed))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(CancelClientException.class)
                .hasMessage("Cannot write the start command of bulk b-1 to Kafka: the broker is away")
                .satisfies(failure -> {
                    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                        assertThat(String.valueOf(cause.getMessage())).doesNotContain(TOKEN);
                    }
                });
    }

    @Test
    void progressIsReadFromTheEndsTakenBeforeSending() throws Exception {
        // the processor answers at once: its record is the first after the ends the engine took
        onSend = () -> consumer.updateEndOffsets(Map.of(progressPartition(0), 1L, progressPartition(1), 0L));
        atPoll(() -> append(0, progress("b-1", 0, BulkState.DONE, 1)));
        atPoll(() -> passes(FOLLOW_FOR));
        commandPartitions(1);

        BulkOutcome outcome = outcome(start(request()));

        assertThat(outcome).isEqualTo(new BulkOutcome.Done("b-1", counts(1), 1, false));
    }

    @Test
    void progressWrittenBeforeTheBulkWasSentIsNotRead() throws Exception {
        commandPartitions(2);
        // an earlier bulk of the same bulkId ended on both partitions: offsets 0 and 1, before the ends
        consumer.updateEndOffsets(Map.of(progressPartition(0), 2L, progressPartition(1), 0L));
        consumer.updateBeginningOffsets(Map.of(progressPartition(0), 0L, progressPartition(1), 0L));
        atPoll(() -> {
            append(0, progress("b-1", 0, BulkState.DONE, 7));
            append(0, progress("b-1", 1, BulkState.DONE, 7));
            append(0, progress("b-1", 0, BulkState.DONE, 1));
        });
        atPoll(progress("b-1", 1, BulkState.DONE, 2));

        BulkOutcome outcome = outcome(start(request()));

        assertThat(outcome).isEqualTo(new BulkOutcome.Done("b-1", counts(3), 2, false));
    }

    @Test
    void theCommandIsTheRequestKeyedByItsBulkIdOnTheConfiguredPartitionersPartition() throws Exception {
        commandPartitions(1);
        atPoll(progress("bulk-7", 0, BulkState.DONE, 0));
        BulkCancelRequest request = BulkCancelRequest.of("acme", "alice")
                .withReason("incident 42")
                .withStatuses(List.of(RunStatus.RUNNING, RunStatus.QUEUED))
                .withExecutionIds(List.of("run-1", "run-2"))
                .updatedBefore(Instant.parse("2026-11-25T16:00:00Z"))
                .asDryRun()
                .withBulkId("bulk-7")
                .withTraceId("trace-1");

        assertThat(outcome(start(request))).isEqualTo(new BulkOutcome.Done("bulk-7", counts(0), 1, true));

        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo(bulkTopic);
        assertThat(sent.key()).isEqualTo("bulk-7");
        // murmur2 puts bulk-7 on partition 2 of 3, as the processor's upstream producers would
        assertThat(sent.partition())
                .isEqualTo(KeyPartitioner.MURMUR2.partition("bulk-7".getBytes(StandardCharsets.UTF_8), 3))
                .isEqualTo(2);
        assertThat(sent.headers().lastHeader("authorization")).isNull();
        assertThat(command(sent))
                .isEqualTo(BulkCancelCommand.newBuilder()
                        .setBulkId("bulk-7")
                        .setCancelledBy("alice")
                        .setReason("incident 42")
                        .setTenantId("acme")
                        .setStatuses(List.of(RunStatus.QUEUED, RunStatus.RUNNING))
                        .setExecutionIds(List.of("run-1", "run-2"))
                        .setUpdatedBefore(Instant.parse("2026-11-25T16:00:00Z"))
                        .setDryRun(true)
                        .setAction(BulkAction.START)
                        .setRequestedAt(now.get())
                        .setTraceId("trace-1")
                        .build());
    }

    @Test
    void aPauseIsAnsweredByTheFirstPartitionInThePausedState() throws Exception {
        atPoll(progress("b-other", 0, BulkState.PAUSED, 1));
        atPoll(progress("b-1", 1, BulkState.RUNNING, 2));
        atPoll(progress("b-1", 2, BulkState.PAUSED, 4));

        BulkControlOutcome answer = answer(bulks().control("b-1", BulkAction.PAUSE, "alice", "too fast"));

        assertThat(answer).isEqualTo(new BulkControlOutcome.Acknowledged("b-1", BulkState.PAUSED, 2, counts(4)));
        BulkCancelCommand pause = command(producer.history().get(0));
        assertThat(pause.getAction()).isEqualTo(BulkAction.PAUSE);
        assertThat(pause.getBulkId()).isEqualTo("b-1");
        assertThat(pause.getCancelledBy()).isEqualTo("alice");
        assertThat(pause.getReason()).isEqualTo("too fast");
    }

    @Test
    void aControlTheProcessorRefusesIsRejected() throws Exception {
        atPoll(rejection("never-started", RejectionCode.EXECUTION_NOT_FOUND, "No bulk 'never-started'."));
        atPoll(() -> passes(FOLLOW_FOR));

        assertThat(answer(bulks().control("never-started", BulkAction.RESUME, "alice", null)))
                .isEqualTo(new BulkControlOutcome.Rejected(
                        "never-started", "EXECUTION_NOT_FOUND", "No bulk 'never-started'."));
    }

    @Test
    void aControlNotAnsweredWithinTheTimeoutTimesOut() throws Exception {
        atPoll(progress("b-1", 0, BulkState.RUNNING, 1));
        atPoll(() -> passes(FOLLOW_FOR));

        assertThat(answer(bulks().control("b-1", BulkAction.PAUSE, "alice", null)))
                .isEqualTo(new BulkControlOutcome.TimedOut("b-1", BulkState.PAUSED, FOLLOW_FOR));
    }

    private CompletionStage<BulkOutcome> start(BulkCancelRequest request) {
        return start(request, TokenProvider.NONE);
    }

    private CompletionStage<BulkOutcome> start(BulkCancelRequest request, TokenProvider tokens) {
        CompletionStage<BulkOutcome> outcome = bulks(tokens).start(request, new BulkProgressListener() {
            @Override
            public void onSent(String bulkId) {
                event("sent " + bulkId);
            }

            @Override
            public void onProgress(BulkProgress progress) {
                event(progress.ended() + "/" + progress.partitions() + " ended, " + progress.reported()
                        + " reported, cancelled " + progress.counts().cancelled());
            }
        });
        return outcome.whenCompleteAsync((done, failed) -> event("outcome"), callbacks);
    }

    /** Records a callback, and that it ran on the callback executor. */
    private void event(String event) {
        events.add(Thread.currentThread().getName().equals(CALLBACK_THREAD) ? event : event + " on the wrong thread");
    }

    private BulkCancels bulks() {
        return bulks(TokenProvider.NONE);
    }

    private BulkCancels bulks(TokenProvider tokens) {
        if (bulks == null) {
            bulks = new BulkCancels(producer, () -> consumer, config, tokens, callbacks, FOLLOW_FOR, now::get);
        }
        return bulks;
    }

    private static <T> T outcome(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T answer(CompletionStage<T> stage) throws Exception {
        return outcome(stage);
    }

    private static BulkCancelRequest request() {
        return BulkCancelRequest.of("acme", "alice").withBulkId("b-1");
    }

    private static BulkCounts counts(long cancelled) {
        return new BulkCounts(cancelled * 2, cancelled, cancelled, 0, 0);
    }

    private static BulkCancelProgress progress(String bulkId, int partition, BulkState state, long cancelled) {
        return builder(bulkId, partition, state, cancelled).build();
    }

    private static BulkCancelProgress rejection(String bulkId, RejectionCode code, String message) {
        return builder(bulkId, -1, BulkState.REJECTED, 0)
                .setCode(code)
                .setMessage(message)
                .build();
    }

    private static BulkCancelProgress.Builder builder(String bulkId, int partition, BulkState state, long cancelled) {
        return BulkCancelProgress.newBuilder()
                .setBulkId(bulkId)
                .setPartition(partition)
                .setState(state)
                .setScanned(cancelled * 2)
                .setMatched(cancelled)
                .setCancelled(cancelled)
                .setAlreadyTerminal(0)
                .setNotFound(0)
                .setDryRun(false)
                .setUpdatedAt(Instant.parse("2026-11-25T18:00:00Z"));
    }

    /** At the next poll not yet given a task, the processor writes {@code record} (to progress partition 0). */
    private void atPoll(BulkCancelProgress record) {
        atPoll(() -> append(0, record));
    }

    private void atPoll(Runnable task) {
        consumer.schedulePollTask(task);
    }

    private void append(int partition, BulkCancelProgress record) {
        TopicPartition topicPartition = progressPartition(partition);
        long offset = nextOffsets.merge(topicPartition, 1L, Long::sum) - 1;
        consumer.addRecord(new ConsumerRecord<>(
                progressTopic,
                partition,
                offset,
                record.getBulkId().getBytes(StandardCharsets.UTF_8),
                progressSerializer.serialize(progressTopic, record)));
    }

    private void passes(Duration time) {
        now.updateAndGet(instant -> instant.plus(time));
    }

    /** The progress topic's ends: where the processor's next records go. */
    private void endsAt(long first, long second) {
        nextOffsets.put(progressPartition(0), first);
        nextOffsets.put(progressPartition(1), second);
        consumer.updateEndOffsets(Map.of(progressPartition(0), first, progressPartition(1), second));
    }

    private TopicPartition progressPartition(int partition) {
        return new TopicPartition(progressTopic, partition);
    }

    private void commandPartitions(int count) {
        String topic = config.topic(CancelTopic.COMMANDS);
        consumer.updatePartitions(topic, partitions(topic, count));
    }

    private BulkCancelCommand command(ProducerRecord<String, byte[]> sent) {
        return config.valueSerde(BulkCancelCommand.class)
                .deserializer()
                .deserialize(sent.topic(), sent.headers(), sent.value());
    }

    private MockProducer<String, byte[]> producer(int bulkPartitions) {
        Node node = new Node(0, "localhost", 9092);
        Cluster cluster = new Cluster(
                "test", List.of(node), partitions(config.topic(CancelTopic.BULK), bulkPartitions), Set.of(), Set.of());
        return new MockProducer<>(cluster, true, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
                onSend.run();
                return sendsFail
                        ? CompletableFuture.failedFuture(new KafkaException("the broker is away"))
                        : super.send(record, callback);
            }
        };
    }

    private static List<PartitionInfo> partitions(String topic, int count) {
        Node node = new Node(0, "localhost", 9092);
        return IntStream.range(0, count)
                .mapToObj(partition -> new PartitionInfo(topic, partition, node, new Node[] {node}, new Node[] {node}))
                .toList();
    }
}
