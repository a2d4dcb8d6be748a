package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.serde.AvroBinarySerde;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grants are decoded when used, failing closed. */
class GrantDecoderTest {

    private final AvroBinarySerde<OperatorGrant> serde = new AvroBinarySerde<>(OperatorGrant.class);
    private final GrantDecoder decoder = new GrantDecoder("operators", serde.deserializer());

    @Test
    void aGrantStoredUnderAnotherActorsKeyGivesNothingEvenOnceTheRealOneIsKnown() {
        byte[] alices = bytes(new OperatorGrant("alice", List.of("admin"), List.of("t1")));
        assertThat(decoder.usable("alice", alices)).isNotNull();

        assertThat(decoder.usable("mallory", alices)).isNull();
    }

    @Test
    void anUndecodableGrantGivesNothingEachTime() {
        byte[] garbage = {0, 0, 0, 0, 1, 99};

        assertThat(decoder.usable("alice", garbage)).isNull();
        assertThat(decoder.usable("alice", garbage)).isNull();
    }

    private byte[] bytes(OperatorGrant grant) {
        return serde.serializer().serialize("operators", grant);
    }
}
