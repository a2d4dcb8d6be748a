package io.controlplane.cancel.topology;

import io.controlplane.cancel.errors.BadInputException;

/** A run-state record that cannot be trusted to describe the run its key names. */
final class InvalidRunStateException extends BadInputException {

    InvalidRunStateException(String problem) {
        // Its ids are quoted and cut (Ids.quote): this message lands in a log line and a dead letter.
        super("Run-state record not applied: " + problem);
    }
}
