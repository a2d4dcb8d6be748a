package io.controlplane.cancel.errors;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' log-and-continue for processing errors, the input dead-lettered bounded and
 * without credentials ({@link DeadLetters}), except for a registry outage. An output that cannot be
 * encoded for want of the registry fails in the sink, and that failure reaches this handler through
 * the processor that forwarded it; continuing would drop a decided command.
 */
public class RegistryOutageProcessingHandler extends LogAndContinueProcessingExceptionHandler {

    private DeadLetters deadLetters = DeadLetters.fromConfig(Map.of());

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        deadLetters = DeadLetters.fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (RegistryOutage.caused(exception)) {
            RegistryOutage.logRetry("processing", context.topic(), context.partition(), context.offset(), exception);
            return Response.fail();
        }
        deadLetters.logDeadLettered(context.topic(), context.partition(), context.offset(), exception);
        return Response.resume(
                deadLetters.bounded(super.handleError(ProcessorClockContext.of(context), record, exception)
                        .deadLetterQueueRecords()));
    }
}
