package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.decision.BulkDecider;
import io.controlplane.cancel.decision.Ids;
import io.controlplane.cancel.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** What {@code bulk-cancel} and {@code bulk-control} share: how a bulk command is checked and sent. */
final class BulkCommands {

    /** The exit code of a bulk refused, by the processor or, before sending, as the processor would. */
    static final int REJECTED = 2;

    private BulkCommands() {}

    /**
     * Why the processor would refuse the command as it stands, as the end of a sentence; empty if it
     * would not for its form (whether the actor may is the processor's to say). A token bound to one
     * bulk (its jti) must name this one.
     */
    static Optional<String> refusal(BulkCancelCommand command, String token) {
        String problem = BulkDecider.problem(command.getBulkId(), command);
        if (problem != null) {
            return Optional.of("INVALID_COMMAND, as " + problem);
        }
        Optional<String> jti = BearerToken.tokenId(token);
        if (jti.isPresent() && !jti.get().equals(command.getBulkId())) {
            return Optional.of("UNAUTHORIZED, as the token's jti " + Ids.quote(jti.get()) + " is not the bulkId "
                    + Ids.quote(command.getBulkId()) + " (a token bound to one bulk names it)");
        }
        return Optional.empty();
    }

    /**
     * Sends the command keyed by its bulkId to the partition {@code cancel.partitioner} gives that key,
     * as upstream producers place theirs: a bulk's START and its PAUSE, RESUME and ABORT must reach the
     * same task, whichever client wrote each.
     */
    static void send(OperatorClients clients, BulkCancelCommand command, String token) {
        Topics.Topic<BulkCancelCommand> bulk = clients.topics().bulk;
        RecordHeaders headers = BearerToken.headers(token);
        byte[] value = bulk.valueSerde().serializer().serialize(bulk.name(), headers, command);
        String key = command.getBulkId();
        try (Producer<String, byte[]> producer = clients.producer()) {
            int partition = clients.config()
                    .partitioner()
                    .partition(
                            key.getBytes(StandardCharsets.UTF_8),
                            producer.partitionsFor(bulk.name()).size());
            clients.delivered(
                    producer.send(new ProducerRecord<>(bulk.name(), partition, key, value, headers)),
                    "the bulk " + command.getAction().name().toLowerCase() + " command");
        }
    }
}
