package io.controlplane.cancel.client;

/**
 * A call the client could not make: too many calls pending, Kafka or the schema registry unreachable,
 * a request the processor would only refuse. The message is one sentence and never holds a token.
 */
public class CancelClientException extends RuntimeException {

    public CancelClientException(String message) {
        super(message);
    }

    public CancelClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
