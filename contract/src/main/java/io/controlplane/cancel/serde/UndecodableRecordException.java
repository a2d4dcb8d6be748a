package io.controlplane.cancel.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that cannot be decoded, through the record's own fault (its framing, its schema id, its
 * bytes). Kafka Streams' deserialization handler routes it to the dead-letter queue with this message.
 *
 * <p>It carries no stack trace: for a bad record the trace shows the same frames every time and says
 * nothing the message does not, while filling it in, and printing it into the dead letter's
 * stack-trace header, was the largest part of what a dead letter cost (a flood of bad records then
 * held every good record behind it back).
 */
public class UndecodableRecordException extends SerializationException {

    public UndecodableRecordException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
