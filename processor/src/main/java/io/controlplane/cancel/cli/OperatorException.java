package io.controlplane.cancel.cli;

/** A failure of an operator command, already said in one line a person can act on (exit code 1). */
final class OperatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OperatorException(String message) {
        super(message, null, false, false);
    }
}
