package io.controlplane.cancel.serde;

import org.apache.avro.Schema;

/**
 * The three Schema Registry operations a Confluent-framed Avro serde needs.
 *
 * <p>Implementations must be thread-safe (Kafka Streams shares one serde across stream threads)
 * and must answer repeated questions from memory: a registry round trip per record would cap
 * throughput far below what the processor has to sustain.
 *
 * <p>Failures are {@link org.apache.kafka.common.errors.SerializationException}s; a registry that
 * cannot be reached at all is the subtype {@link SchemaRegistryUnavailableException}, so that
 * callers can tell "this record is bad" from "try again later".
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /**
     * Returns the id of {@code schema} if it is already registered under {@code subject}, without
     * registering it (for {@code auto.register.schemas=false}); fails if it is not registered.
     */
    int idOf(String subject, Schema schema);

    /** Returns the schema with global id {@code id}; fails with a message naming the id if unknown. */
    Schema schemaById(int id);
}
