package io.controlplane.cancel.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.http.ProcessorMeters;
import io.controlplane.cancel.metrics.ProcessorObserver;
import io.controlplane.cancel.serde.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class RegistryOutageHandlersTest {

    private static final String DLQ = "cancel.dlq";
    private static final String TOPIC = "cancel.commands";
    private static final byte[] KEY = "exec-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {0, 0, 0, 0, 7, 2};
    private static final Map<String, String> CONFIG =
            Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLQ);
    private static final ConsumerRecord<byte[], byte[]> INPUT = new ConsumerRecord<>(TOPIC, 0, 41, KEY, VALUE);
    private static final Exception OUTAGE = new SchemaRegistryUnavailableException(
            "Schema registry at http://127.0.0.1:1 is unreachable: Connection refused");

    private final RegistryOutageDeserializationHandler deserialization = new RegistryOutageDeserializationHandler();
    private final RegistryOutageProcessingHandler processing = new RegistryOutageProcessingHandler();
    private final RegistryOutageProductionHandler production = new RegistryOutageProductionHandler();

    RegistryOutageHandlersTest() {
        deserialization.configure(CONFIG);
        processing.configure(CONFIG);
        production.configure(CONFIG);
    }

    @Test
    void anInputThatCannotBeDecodedForWantOfTheRegistryFailsTheThreadAndStaysOffTheDeadLetterQueue() {
        DeserializationExceptionHandler.Response response = deserialization.handleError(context(), INPUT, OUTAGE);

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void anUndecodableInputStillGoesToTheDeadLetterQueueAndProcessingContinues() {
        DeserializationExceptionHandler.Response response =
                deserialization.handleError(context(), INPUT, new SerializationException("Unknown schema id 7"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(this::isTheInputOnTheDeadLetterQueue);
    }

    @Test
    void anOutputThatCannotBeEncodedForWantOfTheRegistryFailsWithoutDeadLetteringItsInput() {
        ProductionExceptionHandler.Response response = production.handleSerializationError(
                context(),
                new ProducerRecord<>("cancel.rejections", "exec-1", "rejection"),
                OUTAGE,
                SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void anOutputThatCannotBeEncodedForAnyOtherReasonKeepsKafkaStreamsDefault() {
        ProductionExceptionHandler.Response response = production.handleSerializationError(
                context(),
                new ProducerRecord<>("cancel.rejections", "exec-1", "rejection"),
                new SerializationException("not a record"),
                SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(this::isTheInputOnTheDeadLetterQueue);
    }

    @Test
    void aRegistryOutageReachingAProcessorFromItsSinkFailsTheThread() {
        // how a sink's failed serialization arrives at the processor that forwarded the output
        Exception fromSink = new StreamsException("Unable to serialize record", OUTAGE);

        ProcessingExceptionHandler.Response response =
                processing.handleError(context(), new Record<>("exec-1", "command", 0L), fromSink);

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void anyOtherProcessingErrorStillGoesToTheDeadLetterQueueAndProcessingContinues() {
        ProcessingExceptionHandler.Response response = processing.handleError(
                context(), new Record<>("exec-1", "command", 0L), new IllegalStateException("bad run state"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(this::isTheInputOnTheDeadLetterQueue);
    }

    @Test
    void aDeadLetterTheBrokerRefusesIsNotDeadLetteredAgainAndLowersTheLimitForTheRetry() {
        RecordSizeLimits limits = RecordSizeLimits.of(2 * 1024 * 1024, Map.of());
        ProcessorMeters meters = new ProcessorMeters(Set.of(TOPIC));
        RegistryOutageProductionHandler handler = new RegistryOutageProductionHandler();
        handler.configure(Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLQ,
                RecordSizeLimits.CONFIG, limits,
                ProcessorObserver.CONFIG, meters));
        // the send callback runs after the task moved on: Kafka Streams' context then names no topic
        ProductionExceptionHandler.Response response = handler.handleError(
                context(null),
                new ProducerRecord<>(DLQ, KEY, new byte[1_500_000]),
                new RecordTooLargeException("The request included a message larger than the max message size"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(limits.of(DLQ)).isLessThan(1_500_000);
        limits.close();
        meters.close();
    }

    @Test
    void anOutcomeTheBrokerRefusesDeadLettersItsInputAndIsCountedEvenWhenNoTopicIsNamed() {
        ProcessorMeters meters = new ProcessorMeters(Set.of(TOPIC));
        RegistryOutageProductionHandler handler = new RegistryOutageProductionHandler();
        handler.configure(Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLQ, ProcessorObserver.CONFIG, meters));

        ProductionExceptionHandler.Response response = handler.handleError(
                context(null),
                new ProducerRecord<>("cancel.rejections", KEY, new byte[100]),
                new RecordTooLargeException("too large"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(this::isTheInputOnTheDeadLetterQueue);
        assertThat(meters.scrape()).contains("topic=\"" + DeadLetters.UNKNOWN_TOPIC + "\"");
        meters.close();
    }

    @Test
    void anOutcomeTooLargeForItsTopicDeadLettersItsInputAndProcessingContinues() {
        ProductionExceptionHandler.Response response = production.handleSerializationError(
                context(),
                new ProducerRecord<>("cancel.rejections", "exec-1", "rejection"),
                new OutputTooLargeException("cancel.rejections", 20_000, 17_000),
                SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(this::isTheInputOnTheDeadLetterQueue);
    }

    private void isTheInputOnTheDeadLetterQueue(ProducerRecord<byte[], byte[]> dead) {
        assertThat(dead.topic()).isEqualTo(DLQ);
        assertThat(dead.key()).isEqualTo(KEY);
        assertThat(dead.value()).isEqualTo(VALUE);
    }

    private static ErrorHandlerContext context() {
        return context(TOPIC);
    }

    private static ErrorHandlerContext context(String topic) {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return 0;
            }

            @Override
            public long offset() {
                return 41;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return "cancel-commands";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, 0);
            }

            @Override
            public long timestamp() {
                return 0;
            }

            @Override
            public byte[] sourceRawKey() {
                return KEY;
            }

            @Override
            public byte[] sourceRawValue() {
                return VALUE;
            }
        };
    }
}
