package io.controlplane.cancel.errors;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Kafka Streams' default production handling (fail, with the input on the dead-letter queue if
 * configured), with these exceptions:
 *
 * <ul>
 *   <li>An output which cannot be encoded for want of the registry fails without dead-lettering its
 *       input: the input is processed again once the registry answers.
 *   <li>An outcome larger than its topic takes ({@link OutputTooLargeException}, found before it is
 *       sent) is the input's doing, and failing would meet it again on every retry: it is dropped, and
 *       its input dead-lettered, so that the partition moves on.
 *   <li>A record the broker refused as too large means its topic takes less than the processor knew
 *       ({@link RecordSizeLimits#refused}): the limit is lowered at once, so that when the input is
 *       read again (exactly_once_v2 aborts the transaction) its outcome or dead letter is held to it.
 *       A refused dead letter cannot itself be dead-lettered; a refused outcome dead-letters its input.
 * </ul>
 *
 * Every dead letter is bounded and without credentials ({@link DeadLetters}).
 */
public class RegistryOutageProductionHandler extends DefaultProductionExceptionHandler {

    private DeadLetters deadLetters = DeadLetters.fromConfig(Map.of());
    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        deadLetters = DeadLetters.fromConfig(configs);
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : String.valueOf(topic);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            deadLetters.limits().refused(record.topic(), recordBytes(record));
            if (record.topic().equals(deadLetterTopic)) {
                return Response.resume();
            }
            deadLetters.logDeadLettered(context.topic(), context.partition(), context.offset(), exception);
            return Response.resume(
                    deadLetters.bounded(super.handleError(ProcessorClockContext.of(context), record, exception)
                            .deadLetterQueueRecords()));
        }
        Response response = super.handleError(ProcessorClockContext.of(context), record, exception);
        return response.result() == Result.FAIL
                ? Response.fail(deadLetters.bounded(response.deadLetterQueueRecords()))
                : response;
    }

    @SuppressWarnings("rawtypes")
    @Override
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        if (RegistryOutage.caused(exception)) {
            RegistryOutage.logRetry(
                    "encoding an output of", context.topic(), context.partition(), context.offset(), exception);
            return Response.fail();
        }
        Response response =
                super.handleSerializationError(ProcessorClockContext.of(context), record, exception, origin);
        if (exception instanceof OutputTooLargeException) {
            deadLetters.logDeadLettered(context.topic(), context.partition(), context.offset(), exception);
            return Response.resume(deadLetters.bounded(response.deadLetterQueueRecords()));
        }
        return Response.fail(deadLetters.bounded(response.deadLetterQueueRecords()));
    }

    /** The record's size as Kafka's record format counts it, at most (see {@link DeadLetters#FRAMING_BYTES}). */
    private static int recordBytes(ProducerRecord<byte[], byte[]> record) {
        long bytes = DeadLetters.FRAMING_BYTES + length(record.key()) + length(record.value());
        for (Header header : record.headers()) {
            bytes += DeadLetters.PER_HEADER_FRAMING_BYTES + header.key().length() + length(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
