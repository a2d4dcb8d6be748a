package io.controlplane.cancel.serde;

/**
 * The schema registry refused this process's credentials (HTTP 401 or 403): a configuration error,
 * never the record's fault. It is an outage to callers at run time (the record waits until the
 * credentials are fixed, and is never dead-lettered); start-up refuses to go on with it.
 */
public class SchemaRegistryAuthException extends SchemaRegistryUnavailableException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryAuthException(String message) {
        super(message);
    }
}
