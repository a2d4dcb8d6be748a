package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.CancelCommand;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A record naming schema id 0 or a negative one (a flipped high bit) is undecodable without asking the
 * registry: a registry that answered such an id with a bare 404 made it look like an outage, and the
 * record was retried for good (seen with HostileInputIT's fuzz in the bench).
 */
class SchemaIdsNoRegistryGivesTest {

    @Test
    void zeroAndNegativeSchemaIdsAreUndecodableWithoutAskingTheRegistry() {
        try (FramedAvroDeserializer<CancelCommand> deserializer = new FramedAvroDeserializer<>(CancelCommand.class)) {
            // nothing listens there: asking would be an outage, not an undecodable record
            deserializer.configure(
                    Map.of(
                            SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                            "http://127.0.0.1:1",
                            SchemaRegistryClients.HTTP_RETRY_MAX_MS,
                            "0"),
                    false);
            for (int id : new int[] {0, -1, Integer.MIN_VALUE}) {
                byte[] framed = ByteBuffer.allocate(9)
                        .put((byte) 0)
                        .putInt(id)
                        .putInt(42)
                        .array();
                assertThatThrownBy(() -> deserializer.deserialize("commands", framed))
                        .isExactlyInstanceOf(UndecodableRecordException.class)
                        .hasMessageContaining("no schema registry gives");
            }
        }
    }
}
