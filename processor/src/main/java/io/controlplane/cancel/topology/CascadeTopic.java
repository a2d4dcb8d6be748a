package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.CascadeRule;
import io.controlplane.cancel.serde.AvroBinarySerde;
import io.controlplane.cancel.serde.UndecodableRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * executionId in UTF-8, a forced cascade's cause in plain Avro binary, or a graceful cascade's grace
 * in milliseconds (8 bytes, big-endian) and then its cause. The graceful kind came with graceful
 * cancels; a processor of an earlier version reads it as undecodable (a dead letter), which is why
 * an upgrade stops every instance before starting the new version.
 */
public final class CascadeTopic {

    static final String SUFFIX = "-cancel-cascade";

    private static final byte VERSION = 1;
    private static final byte LINK = 1;
    private static final byte CASCADE = 2;
    private static final byte GRACEFUL_CASCADE = 3;

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
        Serializer<CascadeMessage> serializer = (topic, message) -> {
            if (message instanceof CascadeMessage.ChildLink link) {
                return framed(LINK, link.childId().getBytes(StandardCharsets.UTF_8));
            }
            CascadeMessage.Cascade cascade = (CascadeMessage.Cascade) message;
            byte[] cause = causeWriter.serialize(topic, cascade.cause());
            if (!CascadeRule.isGraceful(cascade.cause())) {
                return framed(CASCADE, cause);
            }
            return framed(
                    GRACEFUL_CASCADE,
                    ByteBuffer.allocate(Long.BYTES + cause.length)
                            .putLong(cascade.grace().toMillis())
                            .put(cause)
                            .array());
        };
        Deserializer<CascadeMessage> deserializer = (topic, bytes) -> {
            if (bytes == null || bytes.length < 2 || bytes[0] != VERSION) {
                throw new UndecodableRecordException("Not a cascade message of a known format in " + topic);
            }
            byte[] body = Arrays.copyOfRange(bytes, 2, bytes.length);
            return switch (bytes[1]) {
                case LINK -> new CascadeMessage.ChildLink(new String(body, StandardCharsets.UTF_8));
                case CASCADE -> CascadeMessage.forced(causeReader.deserialize(topic, body));
                case GRACEFUL_CASCADE -> gracefulCascade(topic, body, causeReader);
                default -> throw new UndecodableRecordException("Not a cascade message of a known kind in " + topic);
            };
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static CascadeMessage gracefulCascade(String topic, byte[] body, Deserializer<RunStateChange> causes) {
        if (body.length < Long.BYTES) {
            throw new UndecodableRecordException("A graceful cascade message in " + topic + " is cut short");
        }
        long graceMs = ByteBuffer.wrap(body).getLong();
        if (graceMs < 0) {
            throw new UndecodableRecordException("A graceful cascade message in " + topic + " has a negative grace");
        }
        RunStateChange cause = causes.deserialize(topic, Arrays.copyOfRange(body, Long.BYTES, body.length));
        return new CascadeMessage.Cascade(cause, Duration.ofMillis(graceMs));
    }

    private static byte[] framed(byte kind, byte[] body) {
        byte[] framed = new byte[body.length + 2];
        framed[0] = VERSION;
        framed[1] = kind;
        System.arraycopy(body, 0, framed, 2, body.length);
        return framed;
    }
}
