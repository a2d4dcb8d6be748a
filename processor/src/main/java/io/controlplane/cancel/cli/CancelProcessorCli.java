package io.controlplane.cancel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cancel-processor run|create-topics|health}: the product's one entry point. The demo is not part of the
 * product: {@code ./cancel-processor demo} runs it from the test kit.
 */
@Command(
        name = "cancel-processor",
        mixinStandardHelpOptions = true,
        version = "cancel-processor 0.1.0",
        description = "Executes controlPlane.execution.cancel: judges cancel commands against run states "
                + "and operator grants on Kafka.",
        subcommands = {RunCommand.class, CreateTopicsCommand.class, HealthCommand.class})
public final class CancelProcessorCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CancelProcessorCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
