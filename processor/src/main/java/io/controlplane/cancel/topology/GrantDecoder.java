package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.decision.GrantValidation;
import io.controlplane.cancel.serde.SchemaRegistryUnavailableException;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads grant records, failing closed: a grant that cannot be decoded or trusted grants nothing.
 * Grants are stored as they came and decoded when used, so that a record stored without passing
 * through {@link GrantUpdater} (Kafka Streams restores global stores straight from the topic) is
 * held to the same rules.
 */
final class GrantDecoder {

    private static final int MAX_PROBLEM_LENGTH = 300;

    private final String topic;
    private final Deserializer<OperatorGrant> deserializer;

    GrantDecoder(String topic, Deserializer<OperatorGrant> deserializer) {
        this.topic = topic;
        this.deserializer = deserializer;
    }

    /**
     * The grant {@code bytes} give {@code actorId}, or null if they give none.
     *
     * @throws SchemaRegistryUnavailableException if the registry cannot be asked: that says nothing
     *     about the grant, so the caller must wait rather than decide without it
     */
    OperatorGrant usable(String actorId, byte[] bytes) {
        try {
            OperatorGrant grant = deserializer.deserialize(topic, bytes);
            return grant == null || GrantValidation.problem(actorId, grant).isPresent() ? null : grant;
        } catch (SchemaRegistryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Why a grant record must not be kept, as the end of a sentence; empty if it may be kept, or if
     * it cannot be judged now for want of the registry (it is judged again when used).
     */
    Optional<String> problem(String actorId, byte[] bytes) {
        try {
            OperatorGrant grant = deserializer.deserialize(topic, bytes);
            return grant == null ? Optional.of("it decodes to nothing") : GrantValidation.problem(actorId, grant);
        } catch (SchemaRegistryUnavailableException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            String reason = String.valueOf(e.getMessage());
            return Optional.of("it cannot be decoded: "
                    + (reason.length() > MAX_PROBLEM_LENGTH
                            ? reason.substring(0, MAX_PROBLEM_LENGTH) + "..."
                            : reason));
        }
    }
}
