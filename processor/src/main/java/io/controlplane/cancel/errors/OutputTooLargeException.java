package io.controlplane.cancel.errors;

import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * An outcome larger than its topic takes ({@link RecordSizeLimits}), refused before it is sent: sent,
 * the broker would refuse it and abort the transaction, and the input would fail again on every
 * retry. The production handler dead-letters the input instead, and the partition moves on.
 */
public final class OutputTooLargeException extends RecordTooLargeException {

    /**
     * Room kept for the record's key (an executionId or what a command named as one), headers and
     * framing, beside its value.
     */
    public static final int ROOM_FOR_KEY_AND_FRAMING = 16 * 1024;

    public OutputTooLargeException(String topic, int valueBytes, int limit) {
        super("An outcome of " + valueBytes + " bytes does not fit topic " + topic + ", which takes records of at most "
                + limit + " bytes (" + ROOM_FOR_KEY_AND_FRAMING + " of them kept for its key, headers and framing)");
    }

    /** Throws if a value of {@code valueBytes} would make a record {@code topic} refuses. */
    public static void check(RecordSizeLimits limits, String topic, int valueBytes) {
        int limit = limits.of(topic);
        if (valueBytes > limit - ROOM_FOR_KEY_AND_FRAMING) {
            throw new OutputTooLargeException(topic, valueBytes, limit);
        }
    }
}
