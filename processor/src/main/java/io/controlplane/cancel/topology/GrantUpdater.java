package io.controlplane.cancel.topology;

import io.controlplane.cancel.decision.Ids;
import io.controlplane.cancel.errors.BadRecordLog;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every instance's copy of the grants. A grant record that cannot be decoded or trusted
 * revokes the grant of the actor its key names: an unreadable grant must never leave an older,
 * perhaps wider one in force. Nothing a grant record holds can stop the global thread.
 */
final class GrantUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(GrantUpdater.class);
    /** A producer writing bad grants by the thousand must not bury the log in one line each. */
    private static final BadRecordLog BAD_GRANTS = new BadRecordLog(log, "Revoked the grants of");

    private final OperatorGrants inMemory;
    private final GrantDecoder decoder;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> grants;

    GrantUpdater(OperatorGrants inMemory) {
        this.inMemory = inMemory;
        this.decoder = inMemory.decoder();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.grants = context.getStateStore(CancelStores.OPERATOR_GRANTS);
        inMemory.forgetAll();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String actorId = record.key();
        if (actorId == null) {
            log.warn("Ignored a grant record without a key at {}: grants are keyed by actorId", where());
            return;
        }
        if (record.value() == null) {
            grants.delete(actorId);
            inMemory.revoked(actorId);
            return;
        }
        decoder.problem(actorId, record.value())
                .ifPresentOrElse(
                        problem -> {
                            grants.delete(actorId);
                            inMemory.revoked(actorId);
                            BAD_GRANTS.handled(
                                    context.recordMetadata()
                                            .map(RecordMetadata::topic)
                                            .orElse("unknown"),
                                    () -> String.format(
                                            "Revoked the grant of actor %s: the grant record at %s is not usable: %s",
                                            Ids.quote(actorId), where(), problem));
                        },
                        () -> {
                            grants.put(actorId, record.value());
                            inMemory.stored(actorId, record.value());
                        });
    }

    private String where() {
        return context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("an unknown position");
    }
}
