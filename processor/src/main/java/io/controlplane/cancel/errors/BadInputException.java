package io.controlplane.cancel.errors;

/**
 * An input record that decodes but cannot be used (it contradicts its key, it is empty where a value
 * is needed): thrown so that Kafka Streams' processing-exception handler routes the record to the
 * dead-letter queue. The record's fault, not the processor's: an exception of any other type reaching
 * that handler is a defect of the processor.
 *
 * <p>It carries no stack trace, as {@code UndecodableRecordException} does not, and for the same
 * reason: the same frames for every bad record, and the largest part of what a dead letter cost.
 */
public class BadInputException extends RuntimeException {

    public BadInputException(String message) {
        super(message, null, false, false);
    }
}
