package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunState;

/** A run-state record that cannot be trusted to describe the run its key names. */
final class InvalidRunStateException extends RuntimeException {

    InvalidRunStateException(String key, RunState update) {
        super(key == null
                ? "Run-state record has no key; run states must be keyed by executionId"
                : "Run-state record keyed '" + key + "' describes execution '" + update.getExecutionId() + "'");
    }
}
