package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.serde.AvroBinarySerde;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** Grants are decoded when used; one that has not changed is not decoded again for every command. */
class GrantDecoderTest {

    private final AvroBinarySerde<OperatorGrant> serde = new AvroBinarySerde<>(OperatorGrant.class);
    private final AtomicInteger decodes = new AtomicInteger();
    private final Deserializer<OperatorGrant> counting = (topic, bytes) -> {
        decodes.incrementAndGet();
        return serde.deserializer().deserialize(topic, bytes);
    };
    private final GrantDecoder decoder = new GrantDecoder("operators", counting);

    @Test
    void anUnchangedGrantIsDecodedOnce() {
        byte[] grant = bytes(new OperatorGrant("alice", List.of("admin"), List.of("t1")));

        OperatorGrant first = decoder.usable("alice", grant);
        OperatorGrant second = decoder.usable("alice", grant.clone());

        assertThat(second).isEqualTo(first).isNotNull();
        assertThat(decodes).hasValue(1);
    }

    @Test
    void aChangedGrantIsDecodedAgain() {
        decoder.usable("alice", bytes(new OperatorGrant("alice", List.of("admin"), List.of("t1"))));

        OperatorGrant changed =
                decoder.usable("alice", bytes(new OperatorGrant("alice", List.of("viewer"), List.of("t1"))));

        assertThat(changed.getRoles()).containsExactly("viewer");
        assertThat(decodes).hasValue(2);
    }

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
