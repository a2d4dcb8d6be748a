package io.controlplane.cancel.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Confluent-framed Avro serde for generated classes, a stand-in for Confluent's
 * {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}: same bytes on the wire, same
 * registry API, same {@link #configure} contract and keys ({@code schema.registry.url},
 * {@code auto.register.schemas}, {@code basic.auth.credentials.source},
 * {@code basic.auth.user.info}), so either can be configured in place of the other.
 *
 * <p>One instance may be shared by all stream threads.
 */
public class FramedAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final FramedAvroSerializer<T> serializer = new FramedAvroSerializer<>();
    private final FramedAvroDeserializer<T> deserializer;

    /** Reads into the class generated for each record's writer schema (for configuration by class name). */
    public FramedAvroSerde() {
        this.deserializer = new FramedAvroDeserializer<>();
    }

    /** Reads into {@code type}; records of any other type fail to deserialize. */
    public FramedAvroSerde(Class<T> type) {
        this.deserializer = new FramedAvroDeserializer<>(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
