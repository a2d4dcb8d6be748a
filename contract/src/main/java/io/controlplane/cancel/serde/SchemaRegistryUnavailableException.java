package io.controlplane.cancel.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry could not be reached or gave no usable answer (connection refused, timeout,
 * 5xx, 429, a redirect, a body that is not its JSON, refused credentials). Unlike its parent,
 * this says nothing about the record being serialized: the same call may succeed once the
 * registry is back, so callers may wait and retry instead of giving up on the record.
 */
public class SchemaRegistryUnavailableException extends SerializationException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public SchemaRegistryUnavailableException(String message) {
        super(message);
    }
}
