package io.controlplane.cancel.app;

/** Why the processor cannot start, in one line a person can act on. */
public final class StartupException extends Exception {

    public StartupException(String message) {
        super(message);
    }
}
