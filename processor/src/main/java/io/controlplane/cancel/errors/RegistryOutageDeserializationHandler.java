package io.controlplane.cancel.errors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka Streams' log-and-continue (to the dead-letter queue, if configured) for undecodable input,
 * except when the registry could not be asked: then the record is fine and the thread fails so
 * that it is decoded again later (see {@link RegistryOutage}).
 */
public class RegistryOutageDeserializationHandler extends LogAndContinueExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (RegistryOutage.caused(exception)) {
            RegistryOutage.logRetry("decoding", record.topic(), record.partition(), record.offset(), exception);
            return Response.fail();
        }
        return super.handleError(context, record, exception);
    }
}
