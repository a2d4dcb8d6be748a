package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.CancelCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends cancel commands to the cancel processor and gives each call the processor's outcome for it.
 *
 * <p>A client holds one Kafka producer, shared by every call, and one outcome reader: a consumer in
 * no consumer group that reads every partition of the run-state-changes and rejections topics
 * (read_committed, so only decided outcomes) on a daemon thread, {@code cancel-client-outcomes}.
 * Create one client per process, share it among threads (it is thread-safe), and close it when done.
 *
 * <p>Each call is answered by the outcome carrying its commandId: {@link CancelOutcome.Cancelled},
 * {@link CancelOutcome.Cancelling} (a graceful cancel began), {@link CancelOutcome.Rejected}, or,
 * when none is read within {@code cancel.client.timeout.ms}, {@link CancelOutcome.TimedOut}. A stage
 * fails with a {@link CancelClientException} only when the command could not be sent, when too many
 * calls are waiting ({@code cancel.client.max-pending}), or when the client was closed first.
 *
 * <p>Stages are completed on {@link ForkJoinPool#commonPool()}, as {@link CompletableFuture}'s own
 * {@code *Async} methods are, never on the outcome reader's thread nor on the producer's: a slow
 * callback then stalls neither the reading of other calls' outcomes nor the sending of commands. A
 * callback that blocks for long should move to an executor of its own (the {@code *Async} methods
 * that take one), as it should with any use of the common pool.
 */
public final class CancelClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CancelClient.class);

    /** For calls that need not know where their command was written: nothing is scheduled to tell them. */
    private static final java.util.function.Consumer<SentCommand> NOT_TOLD = written -> {};

    private static final Duration READER_STOP = Duration.ofSeconds(2);
    private static final Duration PRODUCER_CLOSE = Duration.ofSeconds(5);

    private final CancelClientConfig config;
    private final TokenProvider tokens;
    private final Producer<String, byte[]> producer;
    private final Clock clock;
    private final Executor completions;
    private final CommandWriter writer;
    private final PendingCalls pending;
    private final OutcomeReader reader;
    private final BulkCancels bulks;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A client on {@code producer} and {@code consumer}, which it owns from now on; {@code clock} dates
     * the commands and times the calls out; calls end on {@code completions}. Returns once the outcome
     * reader is positioned.
     */
    CancelClient(
            CancelClientConfig config,
            TokenProvider tokens,
            Producer<String, byte[]> producer,
            Consumer<byte[], byte[]> consumer,
            Clock clock,
            Duration partitionCheckPeriod,
            Executor completions) {
        this.config = config;
        this.tokens = tokens;
        this.producer = producer;
        this.clock = clock;
        this.completions = completions;
        String bootstrapServers =
                String.valueOf(config.producerSettings().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        this.writer = new CommandWriter(producer, config, bootstrapServers);
        this.pending = new PendingCalls(
                config.maxPending(), Duration.ofMillis(config.timeoutMs()), config.recentOutcomes(), completions);
        this.reader = new OutcomeReader(consumer, config, pending, clock, partitionCheckPeriod, bootstrapServers);
        reader.startAtTheEnds(Duration.ofMillis(config.timeoutMs()));
        // a bulk's progress reader is made per bulk, when one is started: none in the meantime
        this.bulks = new BulkCancels(
                producer,
                BulkCancels.progressReaders(config),
                config,
                tokens,
                completions,
                Duration.ofMillis(config.bulkTimeoutMs()),
                clock);
    }

    /** A client for a processor in {@code cancel.identity.mode} claimed or trusted: commands carry no token. */
    public static CancelClient create(CancelClientConfig config) {
        return create(config, TokenProvider.NONE);
    }

    /**
     * A client whose commands carry the token {@code tokens} gives for each (signed mode). It connects
     * to Kafka and takes the outcome topics' current ends before it returns, so that no outcome of a
     * command it sends can be missed: that can take up to {@code cancel.client.timeout.ms}.
     *
     * @throws CancelClientException when Kafka cannot be reached, or an outcome topic does not exist
     * @throws org.apache.kafka.common.config.ConfigException when the settings are not valid
     */
    public static CancelClient create(CancelClientConfig config, TokenProvider tokens) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(tokens, "tokens");
        Producer<String, byte[]> producer = new KafkaProducer<>(
                KafkaClientSettings.producer(config), new StringSerializer(), new ByteArraySerializer());
        Consumer<byte[], byte[]> consumer = null;
        try {
            consumer = new KafkaConsumer<>(
                    KafkaClientSettings.consumer(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            return new CancelClient(
                    config,
                    tokens,
                    producer,
                    consumer,
                    Clock.systemUTC(),
                    Duration.ofMillis(config.partitionCheckMs()),
                    ForkJoinPool.commonPool());
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close(Duration.ZERO);
            }
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Sends the cancel command {@code request} asks for, and completes with its outcome: the
     * processor's (Cancelled, Cancelling or Rejected), or TimedOut when none is read within {@code
     * cancel.client.timeout.ms}. The command is framed by the processor's value serde, keyed by the
     * executionId, and written to the partition {@code cancel.partitioner} gives that key, beside its
     * run's state.
     *
     * <p>Retrying with the same commandId is safe: the processor decides a command (its actor and
     * commandId) once and answers a duplicate with nothing, so a retry never cancels twice. While a
     * call with that commandId is waiting here, a retry shares its stage and is not sent again; when
     * the outcome of that commandId was read recently ({@code cancel.client.recent-outcomes}), a retry
     * completes at once with it and is not sent; otherwise the retry is sent, and answered by the
     * outcome of the first command if it has not been decided yet. A retry after the client has
     * forgotten a decided command gets TimedOut.
     *
     * <p>The stage fails with a {@link CancelClientException} (and nothing is sent) when the executionId
     * or the actor is blank, when {@code cancel.client.max-pending} calls are waiting, when the token
     * provider fails, or when the client is closed; it fails later when the command cannot be written
     * to Kafka. This method may block up to {@code cancel.client.timeout.ms} while Kafka's metadata is
     * fetched or the producer's buffer is full, as {@link Producer#send} does.
     */
    public CompletionStage<CancelOutcome> cancel(CancelRequest request) {
        return cancel(request, NOT_TOLD);
    }

    /**
     * As {@link #cancel(CancelRequest)}, and tells {@code onWritten} where the command was written once
     * Kafka has acknowledged it: for a caller that follows the command past its first outcome and asks
     * whether the processor has read it (a scheduled command gets no outcome until its time). It is
     * called once, on the callback executor as the stages are, possibly after the stage completed; it
     * is not called when nothing is sent: when the call fails, or shares the call of a pending retry, or
     * is answered from the outcomes read recently. One that throws is logged; the call goes on.
     */
    public CompletionStage<CancelOutcome> cancel(
            CancelRequest request, java.util.function.Consumer<SentCommand> onWritten) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(onWritten, "onWritten");
        if (closed.get()) {
            return CompletableFuture.failedStage(new CancelClientException("Not sent: the cancel client is closed"));
        }
        if (request.executionId().isBlank()) {
            return CompletableFuture.failedStage(new CancelClientException("Not sent: the executionId is blank"));
        }
        if (request.cancelledBy().isBlank()) {
            return CompletableFuture.failedStage(new CancelClientException(
                    "Not sent: the actor (cancelledBy) of the cancel of " + request.executionId() + " is blank"));
        }
        String commandId = request.commandId() != null
                ? request.commandId()
                : UUID.randomUUID().toString();
        PendingCall call = new PendingCall(commandId, clock.millis() + config.timeoutMs());
        PendingCall answering;
        try {
            answering = pending.join(call);
        } catch (CancelClientException e) {
            return CompletableFuture.failedStage(e);
        }
        if (answering != call || call.outcome.isDone()) {
            return answering.stage();
        }
        if (closed.get()) {
            // close() began after the check above: it may not have seen this call
            pending.fail(call, closedBeforeTheOutcome(call));
            return call.stage();
        }
        String token;
        try {
            token = tokens.tokenFor(request.executionId(), commandId);
        } catch (RuntimeException e) {
            // its message may quote the token, or the key it was signed with: only the class is told
            pending.fail(
                    call,
                    new CancelClientException("Not sent: the token provider failed: "
                            + e.getClass().getName()));
            return call.stage();
        }
        writer.send(
                command(request, commandId),
                token,
                sent -> {
                    if (onWritten != NOT_TOLD) {
                        SentCommand written = new SentCommand(
                                commandId, new TopicPartition(sent.topic(), sent.partition()), sent.offset());
                        completions.execute(() -> tell(onWritten, written));
                    }
                },
                failure -> pending.fail(call, failure));
        return call.stage();
    }

    /** How many calls are waiting for their outcomes now (calls sharing a commandId count once). */
    public int pending() {
        return pending.count();
    }

    /**
     * Starts a bulk cancel ({@code BulkCancelCommand} START) on the one producer, and follows its
     * progress until every partition has ended it, the processor refuses it, or {@code
     * cancel.client.bulk-timeout.ms} has passed (TimedOut, with the counts so far: the bulk goes on).
     * {@code listener} hears the bulkId once sent, then the running totals, in order, on the callback
     * executor. In signed mode the token is {@code tokens.tokenFor(null, bulkId)}: a bulk is about no
     * one run. A repeated bulkId is a duplicate the processor answers with nothing (TimedOut).
     */
    public CompletionStage<BulkOutcome> bulkCancel(BulkCancelRequest request, BulkProgressListener listener) {
        return bulks.start(request, listener);
    }

    /** Pauses, resumes or aborts the bulk {@code bulkId}, and completes with the first partition's answer. */
    public CompletionStage<BulkControlOutcome> controlBulk(
            String bulkId, BulkAction action, String cancelledBy, String reason) {
        return bulks.control(bulkId, action, cancelledBy, reason);
    }

    /**
     * Stops reading outcomes, fails every call still waiting with a {@link CancelClientException}
     * (retrying it with the same commandId on another client is safe), and closes the producer, giving
     * the commands it holds a few seconds to go out. Every waiting call's stage has failed when this
     * returns; calls made after fail at once. Bounded in time; calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        bulks.close();
        reader.stop(READER_STOP);
        pending.failAll(CancelClient::closedBeforeTheOutcome);
        try {
            producer.close(PRODUCER_CLOSE);
        } finally {
            writer.close();
        }
    }

    CancelClientConfig config() {
        return config;
    }

    long undecodableRecords() {
        return reader.undecodableRecords();
    }

    private static void tell(java.util.function.Consumer<SentCommand> onWritten, SentCommand sent) {
        try {
            onWritten.accept(sent);
        } catch (RuntimeException e) {
            LOG.warn("The listener told where command {} was written failed", sent.commandId(), e);
        }
    }

    private CancelCommand command(CancelRequest request, String commandId) {
        return new CancelCommand(
                commandId,
                request.executionId(),
                request.cancelledBy(),
                request.reason(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                request.traceId() != null
                        ? request.traceId()
                        : UUID.randomUUID().toString(),
                request.mode(),
                request.grace() == null ? null : request.grace().toMillis(),
                request.notBefore());
    }

    private static CancelClientException closedBeforeTheOutcome(PendingCall call) {
        return new CancelClientException("Closed before its outcome was read; retrying with the same commandId is safe"
                + " (command " + call.commandId + ")");
    }
}
