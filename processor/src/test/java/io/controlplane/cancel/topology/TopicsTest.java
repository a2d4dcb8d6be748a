package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.serde.FramedAvroSerde;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TopicsTest {

    /** Stands in for a serde a user plugs in by class name, such as Confluent's SpecificAvroSerde. */
    public static final class PluggedSerde<T extends SpecificRecord> extends FramedAvroSerde<T> {}

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope("topics-test");
    }

    @Test
    void valueSerdeIsTheConfiguredClassConfiguredWithTheProcessorSettings() {
        Topics topics = new Topics(new CancelProcessorConfig(Map.of(
                "schema.registry.url",
                "mock://topics-test",
                CancelProcessorConfig.VALUE_SERDE,
                PluggedSerde.class.getName())));
        assertThat(topics.commands.valueSerde()).isInstanceOf(PluggedSerde.class);

        CancelCommand command =
                new CancelCommand("c1", "run-1", "alice", null, Instant.EPOCH, null, CancelMode.FORCE, null, null);
        byte[] bytes = topics.commands.valueSerde().serializer().serialize(topics.commands.name(), command);
        assertThat(topics.commands.valueSerde().deserializer().deserialize(topics.commands.name(), bytes))
                .isEqualTo(command);
    }
}
