package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.decision.ActorProof;
import io.controlplane.cancel.decision.BulkDecider;
import io.controlplane.cancel.decision.BulkDecision;
import io.controlplane.cancel.decision.Ids;
import io.controlplane.cancel.errors.BadInputException;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.state.BulkRecord;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bulk cancel as a whole, keyed by bulkId ({@link BulkDecider}'s rules): a refused command becomes
 * one REJECTED progress record about the bulk as a whole; an accepted START, PAUSE, RESUME or ABORT
 * goes on to every task through {@link BulkTopic} (a {@link BulkCancelCommand}); a repeat, nothing.
 * The store {@value CancelStores#BULKS} remembers each accepted bulk and where it stands.
 */
final class BulkCommandProcessor implements Processor<String, BulkCancelCommand, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(BulkCommandProcessor.class);

    /** A progress record about the bulk as a whole, not one partition's share. */
    static final int WHOLE_BULK = -1;

    private final BulkDecider decider;
    private final OperatorGrants grants;
    private final CommandIdentity identity;

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, BulkRecord> bulks;
    private KeyValueStore<String, byte[]> grantStore;

    BulkCommandProcessor(BulkDecider decider, OperatorGrants grants, CommandIdentity identity) {
        this.decider = decider;
        this.grants = grants;
        this.identity = identity;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        bulks = context.getStateStore(CancelStores.BULKS);
        grantStore = context.getStateStore(CancelStores.OPERATOR_GRANTS);
    }

    @Override
    public void process(Record<String, BulkCancelCommand> record) {
        BulkCancelCommand command = record.value();
        if (command == null) {
            // Thrown so that Kafka Streams' processing-exception handler puts it on the dead-letter queue.
            throw new BadInputException("A bulk cancel record has no value; there is nothing to decide");
        }
        long now = context.currentSystemTimeMs();
        ActorProof proof = identity.prove(Authorization.of(record.headers()), Instant.ofEpochMilli(now));
        String bulkId = record.key();
        BulkRecord known = Ids.problem("bulkId", bulkId) == null ? bulks.get(bulkId) : null;
        String actorId = command.getCancelledBy();
        BulkDecision decision = decider.decide(
                bulkId,
                command,
                known == null ? null : known.getStart(),
                known == null ? null : known.getState(),
                actorId == null ? null : grants.usable(actorId, grantStore),
                proof);
        if (decision instanceof BulkDecision.Start start) {
            bulks.put(bulkId, new BulkRecord(start.command(), BulkState.RUNNING, now));
            log.info(
                    "Bulk cancel {} started by {} in tenant {}{}",
                    Ids.quote(bulkId),
                    Ids.quote(actorId),
                    Ids.quote(command.getTenantId()),
                    command.getDryRun() ? " (dry run)" : "");
            context.forward(new Record<>(bulkId, start.command(), now));
        } else if (decision instanceof BulkDecision.Control control) {
            known.setState(control.state());
            known.setUpdatedAtMs(now);
            bulks.put(bulkId, known);
            log.info("Bulk cancel {} {} by {}", Ids.quote(bulkId), control.state(), Ids.quote(actorId));
            context.forward(new Record<>(bulkId, control.command(), now));
        } else if (decision instanceof BulkDecision.Reject reject) {
            log.debug("Rejected bulk cancel {}: {}", Ids.quote(bulkId), reject.code());
            // cut: a hostile bulkId of megabytes must not make the rejection too large for its topic
            String key = bulkId == null ? "" : Ids.cut(bulkId);
            context.forward(new Record<>(
                    key,
                    BulkCancelProgress.newBuilder()
                            .setBulkId(key)
                            .setPartition(WHOLE_BULK)
                            .setState(BulkState.REJECTED)
                            .setScanned(0)
                            .setMatched(0)
                            .setCancelled(0)
                            .setAlreadyTerminal(0)
                            .setNotFound(0)
                            .setDryRun(command.getDryRun())
                            .setCode(reject.code())
                            .setMessage(reject.message())
                            .setUpdatedAt(Instant.ofEpochMilli(now))
                            .build(),
                    now));
        }
    }
}
