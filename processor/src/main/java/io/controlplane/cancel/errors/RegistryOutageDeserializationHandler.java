package io.controlplane.cancel.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka Streams' log-and-continue (to the dead-letter queue, if configured) for undecodable input,
 * with dead letters bounded and stripped of credentials ({@link DeadLetters}), except when the
 * registry could not be asked: then the record is fine and the thread fails so that it is decoded
 * again later (see {@link RegistryOutage}).
 */
public class RegistryOutageDeserializationHandler extends LogAndContinueExceptionHandler {

    private DeadLetters deadLetters = DeadLetters.fromConfig(Map.of());

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        deadLetters = DeadLetters.fromConfig(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (RegistryOutage.caused(exception)) {
            RegistryOutage.logRetry("decoding", record.topic(), record.partition(), record.offset(), exception);
            return Response.fail();
        }
        deadLetters.logDeadLettered(record.topic(), record.partition(), record.offset(), exception);
        return Response.resume(
                deadLetters.bounded(super.handleError(ProcessorClockContext.of(context), record, exception)
                        .deadLetterQueueRecords()));
    }
}
