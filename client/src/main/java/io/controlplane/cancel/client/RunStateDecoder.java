package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.serde.SchemaRegistryUnavailableException;
import io.controlplane.cancel.serde.UndecodableRecordException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads the records of the run-state-changes and rejections topics as {@link RunStateEvent}s. */
final class RunStateDecoder implements AutoCloseable {

    private final String changesTopic;
    private final String rejectionsTopic;
    private final Deserializer<RunStateChange> changes;
    private final Deserializer<CancelRejection> rejections;

    RunStateDecoder(
            String changesTopic,
            String rejectionsTopic,
            Deserializer<RunStateChange> changes,
            Deserializer<CancelRejection> rejections) {
        this.changesTopic = changesTopic;
        this.rejectionsTopic = rejectionsTopic;
        this.changes = changes;
        this.rejections = rejections;
    }

    /** The topics and value serdes of the processor's settings. */
    static RunStateDecoder of(CancelClientConfig config) {
        return new RunStateDecoder(
                config.topic(CancelTopic.RUN_STATE_CHANGES),
                config.topic(CancelTopic.REJECTIONS),
                config.valueSerde(RunStateChange.class).deserializer(),
                config.valueSerde(CancelRejection.class).deserializer());
    }

    List<String> topics() {
        return List.of(changesTopic, rejectionsTopic);
    }

    /**
     * The record's event, or null when it has no value.
     *
     * @throws SchemaRegistryUnavailableException when the registry cannot be asked: the record may
     *     decode later, so it must not be skipped
     * @throws RuntimeException when the record does not decode: it never will
     */
    RunStateEvent decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(changesTopic)) {
            RunStateChange change = changes.deserialize(record.topic(), record.headers(), record.value());
            return change == null ? null : eventOf(change);
        }
        if (record.topic().equals(rejectionsTopic)) {
            CancelRejection rejection = rejections.deserialize(record.topic(), record.headers(), record.value());
            return rejection == null ? null : new RunStateEvent.Rejected(rejection);
        }
        throw new IllegalStateException("Not an outcome topic: " + record.topic());
    }

    private static RunStateEvent eventOf(RunStateChange change) {
        if (change.getStatus() == RunStatus.CANCELLED) {
            return new RunStateEvent.Cancelled(change);
        }
        if (change.getStatus() == RunStatus.CANCELLING) {
            return new RunStateEvent.Cancelling(change);
        }
        // a status a newer processor writes and this client does not know: not an event it can type
        throw new UndecodableRecordException(
                "A run-state change to " + change.getStatus() + ", which is neither CANCELLED nor CANCELLING");
    }

    @Override
    public void close() {
        changes.close();
        rejections.close();
    }
}
