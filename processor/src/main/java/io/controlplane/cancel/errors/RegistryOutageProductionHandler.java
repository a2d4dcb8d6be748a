package io.controlplane.cancel.errors;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Kafka Streams' default production handling (fail, with the input on the dead-letter queue if
 * configured), with two exceptions. An output which cannot be encoded for want of the registry
 * fails without dead-lettering its input: the input is processed again once the registry answers.
 * A record too large to write is the input's doing, and failing would meet it again on every
 * retry: it is dropped, and its input dead-lettered (bounded, {@link DeadLetters}), so that the
 * partition moves on.
 */
public class RegistryOutageProductionHandler extends DefaultProductionExceptionHandler {

    private DeadLetters deadLetters = DeadLetters.fromConfig(Map.of());

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        deadLetters = DeadLetters.fromConfig(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        Response response = super.handleError(ProcessorClockContext.of(context), record, exception);
        if (exception instanceof RecordTooLargeException) {
            deadLetters.logDeadLettered(context.topic(), context.partition(), context.offset(), exception);
            return Response.resume(deadLetters.bounded(response.deadLetterQueueRecords()));
        }
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
        return Response.fail(deadLetters.bounded(response.deadLetterQueueRecords()));
    }
}
