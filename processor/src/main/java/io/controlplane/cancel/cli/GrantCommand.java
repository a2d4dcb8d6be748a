package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.decision.GrantValidation;
import io.controlplane.cancel.decision.Ids;
import io.controlplane.cancel.topology.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "grant",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = 1,
        description = {
            "Give an actor roles on tenants: writes its grant to the operators topic (keyed by the actor, "
                    + "replacing any grant it had). The processor uses it for the commands it judges after reading it.",
            "A grant the processor would not use (blank or over-long actor, control characters) is refused "
                    + "here and not sent.",
            "Exit 0 written, 1 refused or error."
        })
final class GrantCommand extends KafkaOperatorCommand {

    @Option(names = "--actor", required = true, paramLabel = "ACTOR", description = "The actor's id.")
    String actor;

    @Option(
            names = "--roles",
            required = true,
            split = ",",
            paramLabel = "ROLE",
            description = "Its roles, e.g. admin (the role cancel.required.role names is the one that may cancel).")
    List<String> roles;

    @Option(
            names = "--tenants",
            required = true,
            split = ",",
            paramLabel = "TENANT",
            description = "The tenants whose runs it may cancel; * = every tenant.")
    List<String> tenants;

    @Override
    int run(OperatorClients clients, PrintWriter out, PrintWriter err) {
        OperatorGrant grant = new OperatorGrant(actor, roles, tenants);
        Optional<String> problem = GrantValidation.problem(actor, grant)
                .or(() -> blankEntry("role", roles))
                .or(() -> blankEntry("tenant", tenants));
        if (problem.isPresent()) {
            err.println("Not granted: the grant would grant nothing, as " + problem.get());
            return ERROR;
        }
        Topics.Topic<OperatorGrant> operators = clients.topics().operators;
        try (Producer<String, byte[]> producer = clients.producer()) {
            byte[] value = operators.valueSerde().serializer().serialize(operators.name(), grant);
            clients.delivered(
                    producer.send(new ProducerRecord<>(operators.name(), actor, value)), "the grant of " + actor);
        }
        out.println("Granted " + Ids.quote(actor) + " roles " + roles + " on tenants " + tenants);
        return 0;
    }

    private static Optional<String> blankEntry(String what, List<String> entries) {
        return entries.stream()
                .filter(entry -> entry.isBlank() || Ids.hasControlCharacter(entry))
                .findFirst()
                .map(entry -> "a " + what + " is blank or holds a control character: " + Ids.quote(entry));
    }
}
