package io.controlplane.cancel.client;

/**
 * A record of the outcome topics that {@link RunStateChanges} skipped, because it has no value or its
 * value does not decode (written by something other than the processor, or with a schema this client
 * cannot read). It says where the record is, never what its value holds.
 *
 * @param key the record's key as UTF-8 text (the run's executionId, as the processor writes it); null if none
 * @param valueSize how many bytes its value has (0 if none)
 * @param cause why it does not decode; null when it has no value
 */
public record SkippedRecord(
        String topic, int partition, long offset, String key, int valueSize, RuntimeException cause) {}
