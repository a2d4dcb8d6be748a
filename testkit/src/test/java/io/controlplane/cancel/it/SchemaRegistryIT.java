package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.RawRecords;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The processor registers and resolves its schemas through a real registry (Apicurio's ccompat API). */
class SchemaRegistryIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.sharedWithApicurio();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor =
            InProcessProcessor.startedByTheTests(broker, settings -> {}).partitions(1);

    @Test
    void commandsWrittenThroughApicurioAreDecidedAndTheOutputsCarryApicurioIds() throws Exception {
        // The same registry spelt with a trailing slash: the test's serdes get a client and cache of
        // their own, so the processor must fetch the commands' schema from Apicurio by id itself.
        Map<String, Object> clientSettings = processor.settings();
        clientSettings.put("schema.registry.url", broker.registry().ccompatUrl() + "/");
        Topics topics = new Topics(new CancelProcessorConfig(clientSettings));
        try (CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics)) {
            traffic.grant("ops-1", List.of("admin"), List.of("*"));
            traffic.runState("exec-running", "tenant-a", RunStatus.RUNNING, 3);
            traffic.runState("exec-done", "tenant-a", RunStatus.COMPLETED, 7);
            traffic.flush();
            traffic.cancel("cmd-1", "exec-running", "ops-1");
            traffic.cancel("cmd-2", "exec-done", "ops-1");
            traffic.flush();
        }

        processor.start();
        List<ConsumerRecord<String, byte[]>> outputs = RawRecords.read(
                broker.bootstrapServers(),
                List.of(topics.runStateChanges.name(), topics.rejections.name()),
                2,
                DEADLINE);

        assertThat(outputs).hasSize(2);
        ConsumerRecord<String, byte[]> cancelled = only(outputs, topics.runStateChanges.name());
        ConsumerRecord<String, byte[]> rejected = only(outputs, topics.rejections.name());
        RunStateChange change =
                topics.runStateChanges.valueSerde().deserializer().deserialize(cancelled.topic(), cancelled.value());
        assertThat(change.getExecutionId()).isEqualTo("exec-running");
        assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.RUNNING);
        assertThat(change.getVersion()).isEqualTo(4);
        CancelRejection rejection =
                topics.rejections.valueSerde().deserializer().deserialize(rejected.topic(), rejected.value());
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
        assertThat(rejection.getObservedStatus()).isEqualTo(RunStatus.COMPLETED);

        assertThat(broker.registry().subjects())
                .contains(
                        topics.commands.name() + "-value",
                        topics.runStates.name() + "-value",
                        topics.operators.name() + "-value",
                        topics.runStateChanges.name() + "-value",
                        topics.rejections.name() + "-value");
        assertThat(RawRecords.schemaId(cancelled.value()))
                .isEqualTo(broker.registry().latestId(topics.runStateChanges.name() + "-value"));
        assertThat(RawRecords.schemaId(rejected.value()))
                .isEqualTo(broker.registry().latestId(topics.rejections.name() + "-value"));
    }

    private static ConsumerRecord<String, byte[]> only(List<ConsumerRecord<String, byte[]>> records, String topic) {
        List<ConsumerRecord<String, byte[]>> onTopic =
                records.stream().filter(r -> r.topic().equals(topic)).toList();
        assertThat(onTopic).as("records on %s", topic).hasSize(1);
        return onTopic.get(0);
    }
}
