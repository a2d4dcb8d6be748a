package io.controlplane.cancel.config;

/**
 * The record headers of a command that the processor reads, named once for the processor and every
 * client that writes commands.
 */
public final class CommandHeaders {

    /** The signed identity assertion of the command's actor, as HTTP carries it: {@code Bearer <JWT>}. */
    public static final String AUTHORIZATION = "authorization";

    private CommandHeaders() {}
}
