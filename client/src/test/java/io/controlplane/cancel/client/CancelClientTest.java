package io.controlplane.cancel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.CommandHeaders;
import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client against a MockProducer and a MockConsumer: the test plays the processor, reading the
 * commands sent and writing outcomes where the client reads them, and moves the client's clock.
 */
class CancelClientTest {

    private static final String COMMANDS = CancelTopic.COMMANDS.defaultName();
    private static final String CHANGES = CancelTopic.RUN_STATE_CHANGES.defaultName();
    private static final String REJECTIONS = CancelTopic.REJECTIONS.defaultName();
    private static final int COMMAND_PARTITIONS = 6;
    private static final int OUTCOME_PARTITIONS = 3;
    /** Where the outcome topics end when the client starts: what is before is not its calls'. */
    private static final long OUTCOMES_END = 5;

    private static final String BOOTSTRAP = "kafka-1:9092";
    private static final Node BROKER = new Node(1, "kafka-1", 9092);

    private final String registryScope = "cancel-client-test-" + UUID.randomUUID();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00.123456789Z"));
    private final PacedMockConsumer consumer = new PacedMockConsumer();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private MockProducer<String, byte[]> producer;
    private CancelClientConfig config;
    private CancelClient client;

    @AfterEach
    void closeTheClient() {
        if (client != null) {
            client.close();
        }
        InMemorySchemaRegistry.dropScope(registryScope);
    }

    @Test
    void eachCallCompletesWithTheOutcomeCarryingItsCommandId() throws Exception {
        start(Map.of());
        List<CompletionStage<CancelOutcome>> calls = List.of(
                client.cancel(CancelRequest.of("exec-1", "alice")),
                client.cancel(CancelRequest.of("exec-2", "alice")),
                client.cancel(CancelRequest.of("exec-3", "alice")));
        List<CancelCommand> sent = sentCommands();
        assertThat(sent).hasSize(3);
        // a callback runs where the call is completed: never on the reader, which it would stall
        List<CompletionStage<String>> completedOn = calls.stream()
                .map(call -> call.thenApply(outcome -> Thread.currentThread().getName()))
                .toList();

        for (int i = 2; i >= 0; i--) {
            writeChange(cancelled(sent.get(i)));
        }

        for (int i = 0; i < 3; i++) {
            CancelOutcome outcome = outcomeOf(calls.get(i));
            assertThat(outcome).isInstanceOf(CancelOutcome.Cancelled.class);
            assertThat(outcome.commandId()).isEqualTo(sent.get(i).getCommandId());
            assertThat(((CancelOutcome.Cancelled) outcome).executionId()).isEqualTo("exec-" + (i + 1));
        }
        for (CompletionStage<String> thread : completedOn) {
            assertThat(thread.toCompletableFuture().get(5, TimeUnit.SECONDS)).isNotEqualTo("cancel-client-outcomes");
        }
        assertThat(client.pending()).isZero();
    }

    @Test
    void outcomesOfOtherCommandsAndUndecodableRecordsAreSkipped() throws Exception {
        start(Map.of());
        CompletionStage<CancelOutcome> call = client.cancel(CancelRequest.of("exec-1", "alice"));
        CancelCommand command = sentCommands().get(0);

        write(CHANGES, 0, "not Confluent-framed Avro".getBytes(StandardCharsets.UTF_8));
        write(REJECTIONS, 0, null);
        writeChange(cancelled(commandOn("exec-9", "another-command")));
        writeRejection(rejection(commandOn("exec-1", "yet-another-command"), RejectionCode.ALREADY_TERMINAL, "No."));
        consumer.awaitOneReaderLoop();
        assertThat(call.toCompletableFuture()).isNotDone();

        writeChange(cancelled(command));
        assertThat(outcomeOf(call).commandId()).isEqualTo(command.getCommandId());
        assertThat(client.undecodableRecords()).isEqualTo(1);
    }

    @Test
    void aRejectionCompletesAsRejectedWithItsCodeAndMessage() throws Exception {
        start(Map.of());
        CompletionStage<CancelOutcome> call = client.cancel(CancelRequest.of("exec-1", "alice"));
        CancelCommand command = sentCommands().get(0);
        CancelRejection rejection =
                rejection(command, RejectionCode.EXECUTION_NOT_FOUND, "No run exec-1 is known to the processor.");

        writeRejection(rejection);

        assertThat(outcomeOf(call))
                .isEqualTo(new CancelOutcome.Rejected(
                        command.getCommandId(),
                        "EXECUTION_NOT_FOUND",
                        "No run exec-1 is known to the processor.",
                        rejection));
    }

    @Test
    void aGracefulCancelCompletesAsCancelling() throws Exception {
        start(Map.of());
        CancelRequest request = CancelRequest.of("exec-1", "alice").graceful(Duration.ofSeconds(90));
        CompletionStage<CancelOutcome> call = client.cancel(request);
        CancelCommand command = sentCommands().get(0);
        assertThat(command.getMode()).isEqualTo(CancelMode.GRACEFUL);
        assertThat(command.getGraceMs()).isEqualTo(90_000L);

        RunStateChange cancelling = change(command, RunStatus.CANCELLING, false);
        writeChange(cancelling);
        assertThat(outcomeOf(call)).isEqualTo(new CancelOutcome.Cancelling(command.getCommandId(), cancelling));

        // the CANCELLED that ends it carries the same commandId: a retry now learns how it ended
        writeChange(change(command, RunStatus.CANCELLED, true));
        consumer.awaitOneReaderLoop();
        CancelOutcome retried = outcomeOf(client.cancel(request.withCommandId(command.getCommandId())));
        assertThat(retried).isInstanceOf(CancelOutcome.Cancelled.class);
        assertThat(((CancelOutcome.Cancelled) retried).escalated()).isTrue();
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void noOutcomeWithinTheTimeoutCompletesAsTimedOut() throws Exception {
        start(Map.of(CancelClientConfig.TIMEOUT_MS, "1000"));
        CompletionStage<CancelOutcome> call = client.cancel(CancelRequest.of("exec-1", "alice"));
        String commandId = sentCommands().get(0).getCommandId();

        clock.advance(Duration.ofMillis(999));
        consumer.awaitOneReaderLoop();
        assertThat(call.toCompletableFuture()).isNotDone();
        assertThat(client.pending()).isOne();

        clock.advance(Duration.ofMillis(1));
        assertThat(outcomeOf(call)).isEqualTo(new CancelOutcome.TimedOut(commandId, Duration.ofSeconds(1)));
        assertThat(client.pending()).isZero();
    }

    @Test
    void callsPastMaxPendingFailAtOnce() throws Exception {
        start(Map.of(CancelClientConfig.MAX_PENDING, "2"));
        client.cancel(CancelRequest.of("exec-1", "alice"));
        client.cancel(CancelRequest.of("exec-2", "alice"));

        CompletionStage<CancelOutcome> third = client.cancel(CancelRequest.of("exec-3", "alice"));

        assertThat(third.toCompletableFuture()).isCompletedExceptionally();
        assertThatThrownBy(() -> third.toCompletableFuture().getNow(null))
                .cause()
                .isInstanceOf(CancelClientException.class)
                .hasMessageContaining(CancelClientConfig.MAX_PENDING)
                .hasMessageNotContaining("\n");
        assertThat(producer.history()).hasSize(2);

        // an outcome frees a slot
        CompletionStage<CancelOutcome> first = calledFirst();
        writeChange(cancelled(sentCommands().get(0)));
        outcomeOf(first);
        CompletionStage<CancelOutcome> fourth = client.cancel(CancelRequest.of("exec-4", "alice"));
        assertThat(fourth.toCompletableFuture()).isNotDone();
        assertThat(producer.history()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(KeyPartitioner.class)
    void theCommandGoesToThePartitionTheConfiguredPartitionerGives(KeyPartitioner partitioner) {
        start(Map.of(CancelClientConfig.PARTITIONER, partitioner.configName()));

        for (int i = 0; i < 20; i++) {
            client.cancel(CancelRequest.of("exec-" + i, "alice"));
        }

        for (ProducerRecord<String, byte[]> record : producer.history()) {
            assertThat(record.topic()).isEqualTo(COMMANDS);
            assertThat(record.key()).isNotNull();
            assertThat(record.partition())
                    .as("partition of %s", record.key())
                    .isEqualTo(
                            partitioner.partition(record.key().getBytes(StandardCharsets.UTF_8), COMMAND_PARTITIONS));
        }
        assertThat(producer.history().stream().map(ProducerRecord::partition).distinct())
                .hasSizeGreaterThan(1);
    }

    @Test
    void theCallerIsToldWhereTheCommandWasWrittenOnceKafkaHasIt() throws Exception {
        start(Map.of(), TokenProvider.NONE, false);
        Map<String, CompletableFuture<SentCommand>> written = new HashMap<>();
        for (String commandId : List.of("cmd-1", "cmd-2")) {
            written.put(commandId, new CompletableFuture<>());
            // the same run: the same partition, one offset after the other
            client.cancel(
                    CancelRequest.of("exec-1", "alice").withCommandId(commandId), written.get(commandId)::complete);
        }
        assertThat(written.get("cmd-1")).isNotDone();

        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.completeNext()).isTrue();

        int partition = KeyPartitioner.MURMUR2.partition("exec-1".getBytes(StandardCharsets.UTF_8), COMMAND_PARTITIONS);
        assertThat(written.get("cmd-1").get(5, TimeUnit.SECONDS))
                .isEqualTo(new SentCommand("cmd-1", new TopicPartition(COMMANDS, partition), 0));
        assertThat(written.get("cmd-2").get(5, TimeUnit.SECONDS))
                .isEqualTo(new SentCommand("cmd-2", new TopicPartition(COMMANDS, partition), 1));
    }

    @Test
    void theCallerIsNotToldOfACommandNotWrittenNorOfARetryNotSent() throws Exception {
        start(Map.of(), TokenProvider.NONE, false);
        List<SentCommand> written = Collections.synchronizedList(new ArrayList<>());
        CompletionStage<CancelOutcome> failed = client.cancel(CancelRequest.of("exec-1", "alice"), written::add);
        producer.errorNext(new NetworkException("the connection to kafka-1 was lost"));
        failureOf(failed);
        CancelRequest request = CancelRequest.of("exec-2", "alice").withCommandId("cmd-2");
        CompletableFuture<SentCommand> cmd2Written = new CompletableFuture<>();
        client.cancel(request, sent -> {
            written.add(sent);
            cmd2Written.complete(sent);
        });
        // shares the pending call: nothing is sent, so nothing is written for it
        client.cancel(request, sent -> {
            throw new AssertionError("told of a command it did not send: " + sent);
        });
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.completeNext()).isFalse();

        writeChange(cancelled(commandOn("exec-2", "cmd-2")));
        outcomeOf(client.cancel(request));
        // answered from the outcomes read recently: not sent either
        assertThat(outcomeOf(client.cancel(request, written::add)).commandId()).isEqualTo("cmd-2");
        cmd2Written.get(5, TimeUnit.SECONDS);
        assertThat(written).extracting(SentCommand::commandId).containsExactly("cmd-2");
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void theCommandCarriesEveryFieldOfTheRequest() {
        start(Map.of());
        Instant notBefore = Instant.parse("2026-03-01T18:00:00Z");
        client.cancel(new CancelRequest(
                "exec-1",
                "alice",
                "the run is stuck",
                "cmd-1",
                CancelMode.GRACEFUL,
                Duration.ofSeconds(45),
                notBefore,
                "trace-1"));
        client.cancel(CancelRequest.of("exec-2", "bob"));
        client.cancel(CancelRequest.of("exec-3", "bob"));

        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(record.key()).isEqualTo("exec-1");
        assertThat(sentCommands().get(0))
                .isEqualTo(new CancelCommand(
                        "cmd-1",
                        "exec-1",
                        "alice",
                        "the run is stuck",
                        Instant.parse("2026-03-01T10:00:00.123Z"),
                        "trace-1",
                        CancelMode.GRACEFUL,
                        45_000L,
                        notBefore));

        CancelCommand bare = sentCommands().get(1);
        assertThat(bare.getExecutionId()).isEqualTo("exec-2");
        assertThat(bare.getCancelledBy()).isEqualTo("bob");
        assertThat(bare.getReason()).isNull();
        assertThat(bare.getMode()).isEqualTo(CancelMode.FORCE);
        assertThat(bare.getGraceMs()).isNull();
        assertThat(bare.getNotBefore()).isNull();
        CancelCommand other = sentCommands().get(2);
        for (String freshId : List.of(bare.getCommandId(), bare.getTraceId())) {
            assertThat(UUID.fromString(freshId).toString()).isEqualTo(freshId);
        }
        assertThat(Set.of(bare.getCommandId(), bare.getTraceId(), other.getCommandId(), other.getTraceId()))
                .hasSize(4);
    }

    @Test
    void blankIdentityFieldsAreRefusedWithoutSending() {
        start(Map.of());

        for (CancelRequest request : List.of(CancelRequest.of(" ", "alice"), CancelRequest.of("exec-1", ""))) {
            CompletionStage<CancelOutcome> call = client.cancel(request);
            assertThatThrownBy(() -> call.toCompletableFuture().getNow(null))
                    .cause()
                    .isInstanceOf(CancelClientException.class)
                    .hasMessageStartingWith("Not sent: ")
                    .hasMessageContaining("blank");
        }
        assertThat(producer.history()).isEmpty();
        assertThat(client.pending()).isZero();
    }

    @Test
    void theTokenIsSentAsABearerHeaderAndAppearsInNoMessage() throws Exception {
        String secret = "eyJhbGciOiJFZERTQSJ9.c2VjcmV0.c2lnbmF0dXJl";
        TokenProvider tokens = (executionId, commandId) -> switch (executionId) {
            case "exec-plain" -> secret;
            case "exec-prefixed" -> "Bearer " + secret;
            case "exec-none" -> null;
            default -> throw new IllegalStateException("cannot sign " + commandId + " with " + secret);
        };
        start(Map.of(), tokens, true);

        client.cancel(CancelRequest.of("exec-plain", "alice").withCommandId("cmd-1"));
        client.cancel(CancelRequest.of("exec-prefixed", "alice"));
        client.cancel(CancelRequest.of("exec-none", "alice"));
        CompletionStage<CancelOutcome> failing = client.cancel(CancelRequest.of("exec-failing", "alice"));

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::key).containsExactly("exec-plain", "exec-prefixed", "exec-none");
        assertThat(authorizations(sent.get(0))).containsExactly("Bearer " + secret);
        assertThat(authorizations(sent.get(1))).containsExactly("Bearer " + secret);
        assertThat(authorizations(sent.get(2))).isEmpty();

        Throwable failure = failureOf(failing);
        assertThat(failure)
                .isInstanceOf(CancelClientException.class)
                .hasMessage("Not sent: the token provider failed: java.lang.IllegalStateException");
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain(secret);
        }
        CancelCommand command = sentCommands().get(0);
        writeChange(cancelled(command));
        assertThat(outcomeOf(
                        client.cancel(CancelRequest.of("exec-plain", "alice").withCommandId("cmd-1"))))
                .asString()
                .doesNotContain(secret);
    }

    @Test
    void aRetryWithAPendingCommandIdSharesTheCallAndIsNotSentTwice() throws Exception {
        // one slot: the retry takes none, so it is not refused as one call too many
        start(Map.of(CancelClientConfig.MAX_PENDING, "1"));
        CancelRequest request = CancelRequest.of("exec-1", "alice").withCommandId("cmd-1");

        CompletionStage<CancelOutcome> first = client.cancel(request);
        CompletionStage<CancelOutcome> retry = client.cancel(request);

        assertThat(producer.history()).hasSize(1);
        assertThat(client.pending()).isOne();
        writeChange(cancelled(sentCommands().get(0)));
        assertThat(outcomeOf(retry)).isEqualTo(outcomeOf(first));
        assertThat(outcomeOf(first).commandId()).isEqualTo("cmd-1");
    }

    @Test
    void retriesRacingFromEightThreadsAreSentOnce() throws Exception {
        start(Map.of());
        int threads = 8;
        int rounds = 200;
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        CyclicBarrier together = new CyclicBarrier(threads);
        try {
            List<Future<?>> racing = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                racing.add(callers.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        together.await(5, TimeUnit.SECONDS);
                        client.cancel(CancelRequest.of("exec-" + round, "alice").withCommandId("cmd-" + round));
                    }
                    return null;
                }));
            }
            for (Future<?> caller : racing) {
                caller.get(10, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(sentCommands()).extracting(CancelCommand::getCommandId).doesNotHaveDuplicates();
        assertThat(producer.history()).hasSize(rounds);
        assertThat(client.pending()).isEqualTo(rounds);
    }

    @Test
    void aRetryAfterTheOutcomeWasReadIsAnsweredWithoutSending() throws Exception {
        start(Map.of());
        CancelRequest request = CancelRequest.of("exec-1", "alice").withCommandId("cmd-1");
        CancelOutcome first = outcomeOf(answered(client.cancel(request)));

        CompletionStage<CancelOutcome> retry = client.cancel(request);

        assertThat(retry.toCompletableFuture()).isCompletedWithValue(first);
        assertThat(producer.history()).hasSize(1);

        // the command of another instance of the service, decided before this one retries it
        writeChange(cancelled(commandOn("exec-2", "cmd-of-another-instance")));
        consumer.awaitOneReaderLoop();
        CompletionStage<CancelOutcome> retryOfAnother =
                client.cancel(CancelRequest.of("exec-2", "alice").withCommandId("cmd-of-another-instance"));
        assertThat(retryOfAnother.toCompletableFuture()).isDone();
        assertThat(outcomeOf(retryOfAnother).commandId()).isEqualTo("cmd-of-another-instance");
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void partitionsAddedToTheOutcomeTopicsAreReadFromTheirBeginning() throws Exception {
        Duration checkPeriod = Duration.ofMinutes(1);
        start(
                Map.of(
                        CancelClientConfig.TIMEOUT_MS,
                        String.valueOf(Duration.ofMinutes(10).toMillis())),
                TokenProvider.NONE,
                true,
                checkPeriod,
                ForkJoinPool.commonPool());
        CompletionStage<CancelOutcome> onTheNewPartition = client.cancel(CancelRequest.of("exec-1", "alice"));
        CompletionStage<CancelOutcome> onAnOldPartition = client.cancel(CancelRequest.of("exec-2", "alice"));
        TopicPartition added = new TopicPartition(CHANGES, OUTCOME_PARTITIONS);
        consumer.updatePartitions(CHANGES, partitions(CHANGES, OUTCOME_PARTITIONS + 1));
        consumer.updateBeginningOffsets(Map.of(added, 0L));
        // the outcomes below are there already: from the end, they would not be read
        consumer.updateEndOffsets(Map.of(added, 1L));

        consumer.awaitOneReaderLoop();
        assertThat(consumer.assignment()).doesNotContain(added);
        clock.advance(checkPeriod);
        consumer.awaitOneReaderLoop();
        assertThat(consumer.assignment()).contains(added).hasSize(2 * OUTCOME_PARTITIONS + 1);

        nextOffsets.put(added, 0L);
        write(CHANGES, added.partition(), encode(cancelled(sentCommands().get(0))));
        writeChange(cancelled(sentCommands().get(1)));
        assertThat(outcomeOf(onTheNewPartition).commandId())
                .isEqualTo(sentCommands().get(0).getCommandId());
        assertThat(outcomeOf(onAnOldPartition).commandId())
                .isEqualTo(sentCommands().get(1).getCommandId());
    }

    @Test
    void aFailedSendFailsTheCallAndFreesItsSlot() throws Exception {
        start(Map.of(CancelClientConfig.MAX_PENDING, "1"), TokenProvider.NONE, false);

        CompletionStage<CancelOutcome> failedLater = client.cancel(CancelRequest.of("exec-1", "alice"));
        producer.errorNext(new NetworkException("the connection to kafka-1 was lost"));
        assertThat(failureOf(failedLater))
                .isInstanceOf(CancelClientException.class)
                .hasMessage("Cannot write the cancel command for exec-1 to Kafka at " + BOOTSTRAP
                        + ": the connection to kafka-1 was lost");
        assertThat(client.pending()).isZero();

        producer.sendException = new KafkaException("the producer is closed");
        CompletionStage<CancelOutcome> failedAtOnce = client.cancel(CancelRequest.of("exec-2", "alice"));
        assertThat(failureOf(failedAtOnce))
                .hasMessage("Cannot write the cancel command for exec-2 to Kafka at " + BOOTSTRAP
                        + ": the producer is closed");
        assertThat(client.pending()).isZero();

        producer.sendException = null;
        CompletionStage<CancelOutcome> sent = client.cancel(CancelRequest.of("exec-3", "alice"));
        assertThat(sent.toCompletableFuture()).isNotDone();
        assertThat(client.pending()).isOne();
    }

    @Test
    void closeEndsEveryPendingCall() {
        // completions that never run: close must end the calls itself, before it returns
        start(Map.of(), TokenProvider.NONE, true, Duration.ofSeconds(30), task -> {});
        List<CompletionStage<CancelOutcome>> calls = List.of(
                client.cancel(CancelRequest.of("exec-1", "alice")), client.cancel(CancelRequest.of("exec-2", "alice")));

        client.close();

        for (CompletionStage<CancelOutcome> call : calls) {
            assertThat(call.toCompletableFuture()).isCompletedExceptionally();
            assertThatThrownBy(() -> call.toCompletableFuture().getNow(null))
                    .cause()
                    .isInstanceOf(CancelClientException.class)
                    .hasMessageContaining(
                            "losed before its outcome was read; retrying with the same commandId is safe");
        }
        assertThat(client.pending()).isZero();
        assertThat(producer.closed()).isTrue();
        assertThat(consumer.closed()).isTrue();

        client.close();
        CompletionStage<CancelOutcome> afterClose = client.cancel(CancelRequest.of("exec-3", "alice"));
        assertThat(afterClose.toCompletableFuture()).isCompletedExceptionally();
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void concurrentCallsFromEightThreadsEachGetTheirOwnOutcome() throws Exception {
        start(Map.of());
        int threads = 8;
        int callsPerThread = 250;
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Map<String, CompletionStage<CancelOutcome>>>> made = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                made.add(callers.submit(() -> {
                    go.await();
                    Map<String, CompletionStage<CancelOutcome>> calls = new HashMap<>();
                    for (int i = 0; i < callsPerThread; i++) {
                        String executionId = "exec-" + thread + "-" + i;
                        calls.put(executionId, client.cancel(CancelRequest.of(executionId, "alice")));
                    }
                    return calls;
                }));
            }
            go.countDown();
            Map<String, CompletionStage<CancelOutcome>> calls = new HashMap<>();
            for (Future<Map<String, CompletionStage<CancelOutcome>>> thread : made) {
                calls.putAll(thread.get(10, TimeUnit.SECONDS));
            }

            List<CancelCommand> sent = new ArrayList<>(sentCommands());
            assertThat(sent).hasSize(threads * callsPerThread);
            Collections.shuffle(sent);
            // the processor answers half of them; the others time out
            Map<String, String> answered = new HashMap<>();
            sent.subList(0, sent.size() / 2).forEach(command -> {
                writeChange(cancelled(command));
                answered.put(command.getExecutionId(), command.getCommandId());
            });
            consumer.awaitOneReaderLoop();
            clock.advance(Duration.ofMillis(config.timeoutMs()));

            Set<String> commandIds = new HashSet<>();
            for (Map.Entry<String, CompletionStage<CancelOutcome>> call : calls.entrySet()) {
                CancelOutcome outcome = outcomeOf(call.getValue());
                if (answered.containsKey(call.getKey())) {
                    assertThat(((CancelOutcome.Cancelled) outcome).executionId())
                            .isEqualTo(call.getKey());
                    assertThat(outcome.commandId()).isEqualTo(answered.get(call.getKey()));
                } else {
                    assertThat(outcome).isInstanceOf(CancelOutcome.TimedOut.class);
                }
                commandIds.add(outcome.commandId());
            }
            assertThat(commandIds).hasSize(threads * callsPerThread);
            assertThat(client.pending()).isZero();
        } finally {
            callers.shutdownNow();
        }
    }

    private void start(Map<String, String> overrides) {
        start(overrides, TokenProvider.NONE, true);
    }

    private void start(Map<String, String> overrides, TokenProvider tokens, boolean sendsComplete) {
        start(overrides, tokens, sendsComplete, Duration.ofSeconds(30), ForkJoinPool.commonPool());
    }

    private void start(
            Map<String, String> overrides,
            TokenProvider tokens,
            boolean sendsComplete,
            Duration partitionCheckPeriod,
            Executor completions) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", BOOTSTRAP);
        settings.put(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://" + registryScope);
        settings.putAll(overrides);
        config = new CancelClientConfig(settings);
        producer = new MockProducer<>(
                new Cluster("cluster", List.of(BROKER), partitions(COMMANDS, COMMAND_PARTITIONS), Set.of(), Set.of()),
                sendsComplete,
                null,
                new StringSerializer(),
                new ByteArraySerializer());
        Map<TopicPartition, Long> beginnings = new HashMap<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (String topic : List.of(CHANGES, REJECTIONS)) {
            consumer.updatePartitions(topic, partitions(topic, OUTCOME_PARTITIONS));
            for (int p = 0; p < OUTCOME_PARTITIONS; p++) {
                TopicPartition partition = new TopicPartition(topic, p);
                beginnings.put(partition, 0L);
                ends.put(partition, OUTCOMES_END);
                nextOffsets.put(partition, OUTCOMES_END);
            }
        }
        consumer.updateBeginningOffsets(beginnings);
        consumer.updateEndOffsets(ends);
        client = new CancelClient(config, tokens, producer, consumer, clock, partitionCheckPeriod, completions);
    }

    private static List<PartitionInfo> partitions(String topic, int count) {
        return IntStream.range(0, count)
                .mapToObj(p -> new PartitionInfo(topic, p, BROKER, new Node[] {BROKER}, new Node[] {BROKER}))
                .toList();
    }

    private List<CancelCommand> sentCommands() {
        Deserializer<CancelCommand> commands =
                config.valueSerde(CancelCommand.class).deserializer();
        return producer.history().stream()
                .map(record -> commands.deserialize(record.topic(), record.headers(), record.value()))
                .toList();
    }

    private static List<String> authorizations(ProducerRecord<String, byte[]> record) {
        List<String> values = new ArrayList<>();
        for (Header header : record.headers().headers(CommandHeaders.AUTHORIZATION)) {
            values.add(new String(header.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** The first call made, again: a retry with its commandId shares it. */
    private CompletionStage<CancelOutcome> calledFirst() {
        CancelCommand first = sentCommands().get(0);
        return client.cancel(
                CancelRequest.of(first.getExecutionId(), first.getCancelledBy()).withCommandId(first.getCommandId()));
    }

    /** {@code call}, once the processor has cancelled its run. */
    private CompletionStage<CancelOutcome> answered(CompletionStage<CancelOutcome> call) {
        List<CancelCommand> sent = sentCommands();
        writeChange(cancelled(sent.get(sent.size() - 1)));
        return call;
    }

    private void writeChange(RunStateChange change) {
        write(CHANGES, Math.floorMod(change.getExecutionId().hashCode(), OUTCOME_PARTITIONS), encode(change));
    }

    private void writeRejection(CancelRejection rejection) {
        byte[] value = config.valueSerde(CancelRejection.class).serializer().serialize(REJECTIONS, rejection);
        write(REJECTIONS, Math.floorMod(rejection.getExecutionId().hashCode(), OUTCOME_PARTITIONS), value);
    }

    private byte[] encode(RunStateChange change) {
        return config.valueSerde(RunStateChange.class).serializer().serialize(CHANGES, change);
    }

    private synchronized void write(String topic, int partition, byte[] value) {
        TopicPartition topicPartition = new TopicPartition(topic, partition);
        long offset = nextOffsets.merge(topicPartition, 1L, Long::sum) - 1;
        consumer.addRecord(new ConsumerRecord<>(topic, partition, offset, null, value));
    }

    private static CancelCommand commandOn(String executionId, String commandId) {
        return new CancelCommand(
                commandId, executionId, "alice", null, Instant.EPOCH, "trace", CancelMode.FORCE, null, null);
    }

    private static RunStateChange cancelled(CancelCommand command) {
        return change(command, RunStatus.CANCELLED, false);
    }

    private static RunStateChange change(CancelCommand command, RunStatus status, boolean escalated) {
        return RunStateChange.newBuilder()
                .setExecutionId(command.getExecutionId())
                .setTenantId("tenant-1")
                .setStatus(status)
                .setPreviousStatus(
                        status == RunStatus.CANCELLED && escalated ? RunStatus.CANCELLING : RunStatus.RUNNING)
                .setCancelledAt(Instant.parse("2026-03-01T10:00:01Z"))
                .setCancelledBy(command.getCancelledBy())
                .setReason(command.getReason())
                .setCommandId(command.getCommandId())
                .setVersion(7L)
                .setTraceId(command.getTraceId())
                .setEscalated(escalated)
                .build();
    }

    private static CancelRejection rejection(CancelCommand command, RejectionCode code, String message) {
        return CancelRejection.newBuilder()
                .setCommandId(command.getCommandId())
                .setExecutionId(command.getExecutionId())
                .setCancelledBy(command.getCancelledBy())
                .setCode(code)
                .setMessage(message)
                .setRejectedAt(Instant.parse("2026-03-01T10:00:01Z"))
                .setCommand(command)
                .setTraceId(command.getTraceId())
                .build();
    }

    private static CancelOutcome outcomeOf(CompletionStage<CancelOutcome> call) throws Exception {
        return call.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletionStage<CancelOutcome> call) throws Exception {
        try {
            CancelOutcome outcome = call.toCompletableFuture().get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected the call to fail, but it ended " + outcome);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
