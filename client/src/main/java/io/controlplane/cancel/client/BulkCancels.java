package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.CommandHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Bulk cancels: start one and follow it until it ends, or only start it; pause, resume or abort one.
 * A service has them from {@code CancelClient}, which shares its producer with them; {@link #create}
 * makes them on their own, for a program that has no {@code CancelClient} (the operator CLI).
 *
 * <p>Each call works on a thread of its own, so that the caller never waits for Kafka; its stage, and
 * a listener's calls, complete on the callback executor. Before it sends, a call takes the ends of
 * the progress topic, so that what it reads is the processor's answer to this command, not to an
 * earlier one of the same bulkId. It follows the bulk for at most the {@code followFor} it was made
 * with (the bulk goes on after that), and waits for Kafka at most {@code cancel.client.timeout.ms}
 * on each call to it.
 *
 * <p>In signed mode a command carries {@code authorization: Bearer <JWT>}, the JWT from {@link
 * TokenProvider#tokenFor tokenFor(null, bulkId)}: a bulk is about no one run, so there is no
 * executionId, and the token's jti, if it has one, must be the bulkId. The token is never logged,
 * nor put in an exception or outcome.
 */
public final class BulkCancels implements AutoCloseable {

    private static final String BEARER = "Bearer ";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE = Duration.ofSeconds(1);
    private static final AtomicLong THREADS = new AtomicLong();

    private final Producer<String, byte[]> producer;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final CancelClientConfig config;
    private final TokenProvider tokens;
    private final Executor callbacks;
    private final Duration followFor;
    private final InstantSource clock;
    private final Producer<String, byte[]> owned;
    private final Duration kafkaTimeout;
    private final Serializer<BulkCancelCommand> commands;
    private final Deserializer<BulkCancelProgress> progress;
    private final Set<Consumer<byte[], byte[]>> reading = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param producer sends the commands; shared, so not closed here
     * @param consumers makes a consumer of no group, read_committed, that this closes when it is done
     * @param callbacks where listeners are called and stages complete
     * @param followFor how long a bulk is followed after it is sent for its end, and a pause, resume
     *     or abort for its answer
     * @param clock when the following ends
     */
    BulkCancels(
            Producer<String, byte[]> producer,
            Supplier<Consumer<byte[], byte[]>> consumers,
            CancelClientConfig config,
            TokenProvider tokens,
            Executor callbacks,
            Duration followFor,
            InstantSource clock) {
        this(producer, consumers, config, tokens, callbacks, followFor, clock, null);
    }

    private BulkCancels(
            Producer<String, byte[]> producer,
            Supplier<Consumer<byte[], byte[]>> consumers,
            CancelClientConfig config,
            TokenProvider tokens,
            Executor callbacks,
            Duration followFor,
            InstantSource clock,
            Producer<String, byte[]> owned) {
        this.producer = producer;
        this.consumers = consumers;
        this.config = config;
        this.tokens = tokens;
        this.callbacks = callbacks;
        this.followFor = followFor;
        this.clock = clock;
        this.owned = owned;
        this.kafkaTimeout = Duration.ofMillis(config.timeoutMs());
        this.commands = config.valueSerde(BulkCancelCommand.class).serializer();
        this.progress = config.valueSerde(BulkCancelProgress.class).deserializer();
    }

    /**
     * Bulk cancels with a producer and consumers of their own, made from {@code config}'s Kafka
     * settings; {@link #close} closes them.
     *
     * @param tokens the signed identity of each command ({@link TokenProvider#NONE} in claimed mode)
     * @param followFor how long a bulk is followed for its end once sent, and a pause, resume or abort
     *     for its answer
     */
    public static BulkCancels create(CancelClientConfig config, TokenProvider tokens, Duration followFor) {
        Map<String, Object> producerSettings = new HashMap<>(config.producerSettings());
        producerSettings.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.clientId());
        producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
        producerSettings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerSettings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.timeoutMs());
        Producer<String, byte[]> producer =
                new KafkaProducer<>(producerSettings, new StringSerializer(), new ByteArraySerializer());
        Supplier<Consumer<byte[], byte[]>> consumers = progressReaders(config);
        return new BulkCancels(
                producer,
                consumers,
                config,
                tokens,
                ForkJoinPool.commonPool(),
                followFor,
                InstantSource.system(),
                producer);
    }

    /** Makes the consumer each bulk follows its progress with: of no group, read_committed. */
    static Supplier<Consumer<byte[], byte[]>> progressReaders(CancelClientConfig config) {
        Map<String, Object> consumerSettings = new HashMap<>(config.consumerSettings());
        // assigned and positioned by the call; a group would only add a coordinator to wait for
        consumerSettings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        AtomicLong consumerIds = new AtomicLong();
        return () -> {
            Map<String, Object> settings = new HashMap<>(consumerSettings);
            // one client.id per consumer: two at once under one id clash in JMX
            settings.put(
                    CommonClientConfigs.CLIENT_ID_CONFIG, config.clientId() + "-bulk-" + consumerIds.incrementAndGet());
            return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        };
    }

    /**
     * Starts the bulk and follows it until every partition has ended it, the processor refuses it, or
     * {@code followFor} has passed since it was sent. The stage fails with a {@link
     * CancelClientException} when the command cannot be sent (Kafka unreachable, a topic missing), or
     * when this is closed first.
     *
     * @param listener told the bulkId once sent, then the running totals (see {@link BulkProgressListener})
     */
    public CompletionStage<BulkOutcome> start(BulkCancelRequest request, BulkProgressListener listener) {
        Objects.requireNonNull(listener, "listener");
        BulkCancelCommand command = startOf(request);
        return call(command.getBulkId(), callbacks -> follow(command, listener, callbacks));
    }

    /**
     * Starts the bulk and follows nothing: the stage completes with the bulkId once the command is on
     * Kafka. Its progress is then the processor's to report (its bulk progress topic and HTTP API).
     */
    public CompletionStage<String> send(BulkCancelRequest request) {
        BulkCancelCommand command = startOf(request);
        return call(command.getBulkId(), callbacks -> {
            deliver(command);
            return command.getBulkId();
        });
    }

    /**
     * Pauses (every task stops after its current turn), resumes, or aborts (for good; what was
     * cancelled stays cancelled) the bulk, and waits for the first answer for at most {@code
     * followFor}.
     *
     * @param action PAUSE, RESUME or ABORT
     * @param cancelledBy the actor asking (in signed mode the token's subject)
     * @param reason why, at most 1,024 characters; may be null
     */
    public CompletionStage<BulkControlOutcome> control(
            String bulkId, BulkAction action, String cancelledBy, String reason) {
        Objects.requireNonNull(bulkId, "bulkId");
        Objects.requireNonNull(cancelledBy, "cancelledBy");
        BulkState wanted = stateAfter(action);
        BulkCancelCommand command = BulkCancelCommand.newBuilder()
                .setBulkId(bulkId)
                .setCancelledBy(cancelledBy)
                .setReason(reason)
                .setAction(action)
                .setRequestedAt(now())
                .setTraceId(UUID.randomUUID().toString())
                .build();
        return call(bulkId, callbacks -> answer(command, wanted));
    }

    /**
     * Stops following: the stages of calls still going fail with a {@link CancelClientException} (the
     * bulks go on in the processor). Closes the producer and consumers if {@link #create} made them.
     */
    @Override
    public void close() {
        closed = true;
        reading.forEach(Consumer::wakeup);
        if (owned != null) {
            owned.close(kafkaTimeout);
        }
    }

    /** What every task that has not ended the bulk reports once the action has reached it. */
    private static BulkState stateAfter(BulkAction action) {
        return switch (Objects.requireNonNull(action, "action")) {
            case PAUSE -> BulkState.PAUSED;
            case RESUME -> BulkState.RUNNING;
            case ABORT -> BulkState.ABORTED;
            default -> throw new IllegalArgumentException("not a control action: " + action);
        };
    }

    private BulkCancelCommand startOf(BulkCancelRequest request) {
        Objects.requireNonNull(request, "request");
        return BulkCancelCommand.newBuilder()
                .setBulkId(
                        request.bulkId() != null
                                ? request.bulkId()
                                : UUID.randomUUID().toString())
                .setCancelledBy(request.cancelledBy())
                .setReason(request.reason())
                .setTenantId(request.tenantId())
                .setStatuses(List.copyOf(request.statuses()))
                .setExecutionIds(request.executionIds())
                .setUpdatedBefore(request.updatedBefore())
                .setDryRun(request.dryRun())
                .setAction(BulkAction.START)
                .setRequestedAt(now())
                .setTraceId(
                        request.traceId() != null
                                ? request.traceId()
                                : UUID.randomUUID().toString())
                .build();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private BulkOutcome follow(BulkCancelCommand command, BulkProgressListener listener, SerialCallbacks callbacks) {
        String bulkId = command.getBulkId();
        return reading(consumer -> {
            BulkProgressFeed feed = BulkProgressFeed.fromEnds(
                    consumer, partitionsOf(consumer, CancelTopic.BULK_PROGRESS), progress, kafkaTimeout);
            int partitions = partitionsOf(consumer, CancelTopic.COMMANDS).size();
            deliver(command);
            callbacks.run(() -> listener.onSent(bulkId));
            BulkTally tally = new BulkTally(bulkId, partitions, command.getDryRun());
            return pollUntil(feed, records -> {
                        boolean progressed = false;
                        for (BulkCancelProgress record : records) {
                            // a rejection is the outcome, not progress
                            progressed |= tally.accept(record) && record.getPartition() >= 0;
                        }
                        if (progressed) {
                            BulkProgress soFar = tally.progress();
                            callbacks.run(() -> listener.onProgress(soFar));
                        }
                        return tally.outcome();
                    })
                    .orElseGet(() -> new BulkOutcome.TimedOut(bulkId, followFor, tally.progress()));
        });
    }

    private BulkControlOutcome answer(BulkCancelCommand command, BulkState wanted) {
        String bulkId = command.getBulkId();
        return reading(consumer -> {
            BulkProgressFeed feed = BulkProgressFeed.fromEnds(
                    consumer, partitionsOf(consumer, CancelTopic.BULK_PROGRESS), progress, kafkaTimeout);
            deliver(command);
            return pollUntil(
                            feed,
                            records -> records.stream()
                                    .flatMap(record -> answerIn(record, bulkId, wanted).stream())
                                    .findFirst())
                    .orElseGet(() -> new BulkControlOutcome.TimedOut(bulkId, wanted, followFor));
        });
    }

    /** A task's record in the state the action leads to, or the refusal of the command as a whole. */
    private static Optional<BulkControlOutcome> answerIn(BulkCancelProgress record, String bulkId, BulkState wanted) {
        if (!bulkId.equals(record.getBulkId())) {
            return Optional.empty();
        }
        if (record.getPartition() < 0) {
            return record.getState() == BulkState.REJECTED
                    ? Optional.of(new BulkControlOutcome.Rejected(
                            bulkId, String.valueOf(record.getCode()), String.valueOf(record.getMessage())))
                    : Optional.empty();
        }
        return record.getState() == wanted
                ? Optional.of(new BulkControlOutcome.Acknowledged(
                        bulkId, wanted, record.getPartition(), BulkCounts.of(record)))
                : Optional.empty();
    }

    /** Polls until {@code read} has the answer, or {@code followFor} has passed (empty). */
    private <T> Optional<T> pollUntil(BulkProgressFeed feed, Function<List<BulkCancelProgress>, Optional<T>> read) {
        Instant deadline = clock.instant().plus(followFor);
        while (true) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return Optional.empty();
            }
            Optional<T> answer = read.apply(feed.poll(left.compareTo(POLL) < 0 ? left : POLL));
            if (answer.isPresent()) {
                return answer;
            }
        }
    }

    /**
     * Sends the command keyed by its bulkId to the partition {@code cancel.partitioner} gives that key,
     * as upstream producers place theirs: a bulk's START and its PAUSE, RESUME and ABORT must reach the
     * same task, whichever client wrote each. Returns once Kafka has it (the producer's
     * {@code delivery.timeout.ms} bounds the wait).
     */
    private void deliver(BulkCancelCommand command) {
        String topic = config.topic(CancelTopic.BULK);
        String key = command.getBulkId();
        RecordHeaders headers = new RecordHeaders();
        String token = tokens.tokenFor(null, key);
        if (token != null) {
            headers.add(CommandHeaders.AUTHORIZATION, (BEARER + token).getBytes(StandardCharsets.UTF_8));
        }
        byte[] value = commands.serialize(topic, headers, command);
        int partition = config.partitioner()
                .partition(
                        key.getBytes(StandardCharsets.UTF_8),
                        existing(topic, producer.partitionsFor(topic)).size());
        String what = "the " + command.getAction().name().toLowerCase() + " command of bulk " + key;
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, value, headers))
                    .get();
        } catch (ExecutionException e) {
            throw new CancelClientException(
                    "Cannot write " + what + " to Kafka: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelClientException("Interrupted while writing " + what);
        }
    }

    private List<PartitionInfo> partitionsOf(Consumer<?, ?> consumer, CancelTopic<?> topic) {
        String name = config.topic(topic);
        return existing(name, consumer.partitionsFor(name, kafkaTimeout));
    }

    private static List<PartitionInfo> existing(String topic, List<PartitionInfo> partitions) {
        if (partitions == null || partitions.isEmpty()) {
            throw new CancelClientException("Topic " + topic + " does not exist");
        }
        return partitions;
    }

    /** Runs {@code work} with a consumer of its own, which {@link #close} wakes up. */
    private <T> T reading(Function<Consumer<byte[], byte[]>, T> work) {
        Consumer<byte[], byte[]> consumer = consumers.get();
        reading.add(consumer);
        try {
            if (closed) {
                consumer.wakeup();
            }
            return work.apply(consumer);
        } finally {
            reading.remove(consumer);
            consumer.close(CLOSE);
        }
    }

    /** The work of one call, on a thread of its own; its callbacks, and then its stage, on the callback executor. */
    private <T> CompletionStage<T> call(String bulkId, Function<SerialCallbacks, T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new CancelClientException("The client is closed"));
            return result;
        }
        SerialCallbacks inOrder = new SerialCallbacks(callbacks, "bulk " + bulkId);
        Thread thread = new Thread(
                () -> {
                    try {
                        T value = work.apply(inOrder);
                        inOrder.run(() -> result.complete(value));
                    } catch (RuntimeException e) {
                        CancelClientException failure = failure(bulkId, e);
                        inOrder.run(() -> result.completeExceptionally(failure));
                    }
                },
                "cancel-client-bulk-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** One sentence for what went wrong, with Kafka's exception as the cause. */
    private CancelClientException failure(String bulkId, RuntimeException e) {
        if (e instanceof CancelClientException failure) {
            return failure;
        }
        if (e instanceof WakeupException) {
            return new CancelClientException("The client was closed while it followed bulk " + bulkId);
        }
        if (e instanceof TimeoutException) {
            return new CancelClientException(
                    "Cannot reach Kafka within " + kafkaTimeout.toMillis() + " ms for bulk " + bulkId + ": "
                            + e.getMessage(),
                    e);
        }
        if (e instanceof KafkaException) {
            return new CancelClientException("Kafka failed for bulk " + bulkId + ": " + e.getMessage(), e);
        }
        return new CancelClientException("Cannot carry out bulk " + bulkId + ": " + e, e);
    }
}
