package io.controlplane.cancel.errors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Kafka Streams' default production handling (fail, with the input on the dead-letter queue if
 * configured), except that an output which cannot be encoded for want of the registry fails without
 * dead-lettering its input: the input is processed again once the registry answers.
 */
public class RegistryOutageProductionHandler extends DefaultProductionExceptionHandler {

    @SuppressWarnings("rawtypes")
    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        if (RegistryOutage.caused(exception)) {
            RegistryOutage.logRetry("encoding an output of", context.topic(), context.partition(), context.offset(),
                    exception);
            return Response.fail();
        }
        return super.handleSerializationError(context, record, exception, origin);
    }
}
