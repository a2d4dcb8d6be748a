package io.controlplane.cancel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cancel-processor run|create-topics|health|cancel|bulk-cancel|bulk-control|grant|revoke|watch|status}:
 * the product's one entry point. The demo is not part of the product: {@code ./cancel-processor demo}
 * runs it from the test kit.
 */
@Command(
        name = "cancel-processor",
        mixinStandardHelpOptions = true,
        version = "cancel-processor 0.1.0",
        description = "Executes controlPlane.execution.cancel: judges cancel commands against run states "
                + "and operator grants on Kafka; and lets an operator cancel (one run or in bulk), grant, revoke, "
                + "watch outcomes and ask a run's status.",
        subcommands = {
            RunCommand.class,
            CreateTopicsCommand.class,
            HealthCommand.class,
            CancelExecutionCommand.class,
            BulkStartCommand.class,
            BulkControlCommand.class,
            GrantCommand.class,
            RevokeCommand.class,
            WatchCommand.class,
            StatusCommand.class
        })
public final class CancelProcessorCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as {@link #main} runs it: whatever a command did not say itself, and a usage
     * error, is one line on stderr, never a stack trace.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new CancelProcessorCli())
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    commandLine.getErr().println(Text.oneLine(e));
                    return 1;
                })
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine commandLine = e.getCommandLine();
                    commandLine
                            .getErr()
                            .println(Text.oneLine(e) + " (see: "
                                    + commandLine.getCommandSpec().qualifiedName() + " --help)");
                    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
