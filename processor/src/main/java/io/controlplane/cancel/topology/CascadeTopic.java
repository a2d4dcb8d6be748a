package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.serde.AvroBinarySerde;
import io.controlplane.cancel.serde.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The cascade's internal topic, {@code <application.id>-cancel-cascade}: declared here, created by
 * the processor at start-up beside Kafka Streams' own internal topics (under the same
 * application.id prefix, so the same prefixed ACLs cover it), with as many partitions as the input
 * topics, and written and read explicitly by the topology: {@link ExecutionProcessor} sends a
 * {@link CascadeMessage} keyed by the run it is for, placed like every record keyed by executionId.
 *
 * <p>A value is one byte of format version, one byte of kind, then the kind's body: a link's child
 * executionId in UTF-8, or a cascade's cause in plain Avro binary.
 */
public final class CascadeTopic {

    static final String SUFFIX = "-cancel-cascade";

    private static final byte VERSION = 1;
    private static final byte LINK = 1;
    private static final byte CASCADE = 2;

    private CascadeTopic() {}

    public static String name(String applicationId) {
        return applicationId + SUFFIX;
    }

    public static NewTopic declaration(String applicationId, int partitions, Optional<Short> replicationFactor) {
        return InternalTopics.declaration(name(applicationId), partitions, replicationFactor);
    }

    static Serde<CascadeMessage> serde() {
        AvroBinarySerde<RunStateChange> causes = CancelStores.cancellationSerde();
        Serializer<RunStateChange> causeWriter = causes.serializer();
        Deserializer<RunStateChange> causeReader = causes.deserializer();
        Serializer<CascadeMessage> serializer = (topic, message) -> message instanceof CascadeMessage.ChildLink link
                ? framed(LINK, link.childId().getBytes(StandardCharsets.UTF_8))
                : framed(CASCADE, causeWriter.serialize(topic, ((CascadeMessage.Cascade) message).cause()));
        Deserializer<CascadeMessage> deserializer = (topic, bytes) -> {
            if (bytes == null || bytes.length < 2 || bytes[0] != VERSION) {
                throw new UndecodableRecordException("Not a cascade message of a known format in " + topic);
            }
            byte[] body = Arrays.copyOfRange(bytes, 2, bytes.length);
            return switch (bytes[1]) {
                case LINK -> new CascadeMessage.ChildLink(new String(body, StandardCharsets.UTF_8));
                case CASCADE -> new CascadeMessage.Cascade(causeReader.deserialize(topic, body));
                default -> throw new UndecodableRecordException("Not a cascade message of a known kind in " + topic);
            };
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static byte[] framed(byte kind, byte[] body) {
        byte[] framed = new byte[body.length + 2];
        framed[0] = VERSION;
        framed[1] = kind;
        System.arraycopy(body, 0, framed, 2, body.length);
        return framed;
    }
}
