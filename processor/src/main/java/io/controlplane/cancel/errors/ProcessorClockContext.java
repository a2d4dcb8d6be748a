package io.controlplane.cancel.errors;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The context a handler builds a dead letter from, with the processor's clock as its timestamp.
 * Kafka Streams stamps a dead letter with its input's timestamp, which a producer set: a negative
 * one makes building the dead letter throw, a far-future one is refused by the broker, a far-past
 * one is deleted by the DLQ's retention at once.
 */
final class ProcessorClockContext implements ErrorHandlerContext {

    private final ErrorHandlerContext context;
    private final long now;

    ProcessorClockContext(ErrorHandlerContext context, long now) {
        this.context = context;
        this.now = now;
    }

    static ErrorHandlerContext of(ErrorHandlerContext context) {
        return new ProcessorClockContext(context, System.currentTimeMillis());
    }

    @Override
    public long timestamp() {
        return now;
    }

    @Override
    public String topic() {
        return context.topic();
    }

    @Override
    public int partition() {
        return context.partition();
    }

    @Override
    public long offset() {
        return context.offset();
    }

    @Override
    public Headers headers() {
        return context.headers();
    }

    @Override
    public String processorNodeId() {
        return context.processorNodeId();
    }

    @Override
    public TaskId taskId() {
        return context.taskId();
    }

    @Override
    public byte[] sourceRawKey() {
        return context.sourceRawKey();
    }

    @Override
    public byte[] sourceRawValue() {
        return context.sourceRawValue();
    }
}
