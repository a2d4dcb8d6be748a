package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.decision.GrantValidation;
import io.controlplane.cancel.decision.Ids;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = 1,
        description = {
            "Take every role away from an actor: writes a tombstone (no value) for it to the operators topic. "
                    + "Commands of the actor judged after the processor read it are UNAUTHORIZED.",
            "Exit 0 written, 1 error."
        })
final class RevokeCommand extends KafkaOperatorCommand {

    @Option(names = "--actor", required = true, paramLabel = "ACTOR", description = "The actor's id.")
    String actor;

    @Override
    int run(OperatorClients clients, PrintWriter out, PrintWriter err) {
        // the key of a tombstone must be one a grant could have had, or it revokes nobody
        Optional<String> problem = GrantValidation.problem(actor, new OperatorGrant(actor, List.of(), List.of()));
        if (problem.isPresent()) {
            err.println("Not revoked: no grant can exist for this actor, as " + problem.get());
            return ERROR;
        }
        String topic = clients.topics().operators.name();
        try (Producer<String, byte[]> producer = clients.producer()) {
            clients.delivered(producer.send(new ProducerRecord<>(topic, actor, null)), "the revocation of " + actor);
        }
        out.println("Revoked " + Ids.quote(actor));
        return 0;
    }
}
