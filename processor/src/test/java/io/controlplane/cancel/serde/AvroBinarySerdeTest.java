package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroBinarySerdeTest {

    @Test
    void roundTripsWithoutFraming() {
        AvroBinarySerde<OperatorGrant> serde = new AvroBinarySerde<>(OperatorGrant.class);
        OperatorGrant grant = OperatorGrant.newBuilder()
                .setActorId("a")
                .setRoles(List.of("operator"))
                .setTenants(List.of("*"))
                .build();

        byte[] bytes = serde.serializer().serialize("store-changelog", grant);

        // "a" (length 1 zig-zag = 2), one role, "*": no magic byte, no schema id
        assertThat(bytes[0]).isEqualTo((byte) 2);
        assertThat(serde.deserializer().deserialize("store-changelog", bytes)).isEqualTo(grant);
        assertThat(serde.serializer().serialize("store-changelog", null)).isNull();
        assertThat(serde.deserializer().deserialize("store-changelog", null)).isNull();
    }

    @Test
    void garbageIsASerializationError() {
        AvroBinarySerde<CancelCommand> serde = new AvroBinarySerde<>(CancelCommand.class);

        assertThatThrownBy(() -> serde.deserializer().deserialize("store-changelog", new byte[] {2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(
                        "Could not decode a io.controlplane.cancel.avro.CancelCommand from store-changelog");
    }
}
