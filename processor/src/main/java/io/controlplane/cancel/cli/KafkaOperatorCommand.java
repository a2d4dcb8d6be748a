package io.controlplane.cancel.cli;

import io.controlplane.cancel.app.StartupException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * An operator command that talks to Kafka with the processor's settings ({@code --config FILE} and
 * {@code CANCEL_PROCESSOR_*} variables, as for {@code run}). Whatever goes wrong is one line on
 * stderr and exit code 1, never a stack trace.
 */
abstract class KafkaOperatorCommand implements Callable<Integer> {

    static final int ERROR = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    final SettingsMixin settings = new SettingsMixin();

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            OperatorClients clients;
            try {
                clients = new OperatorClients(settings.load());
            } catch (StartupException | ConfigException e) {
                err.println(Text.oneLine(e));
                return ERROR;
            }
            try {
                return run(clients, out, err);
            } catch (OperatorException e) {
                err.println(Text.oneLine(e));
            } catch (TimeoutException e) {
                err.println("Cannot reach Kafka at " + clients.bootstrapServers() + " within "
                        + Text.duration(clients.timeout()) + ": " + Text.oneLine(e));
            } catch (KafkaException e) {
                err.println("Kafka at " + clients.bootstrapServers() + ": " + Text.oneLine(e));
            }
            return ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Does the command's work; returns its exit code. */
    abstract int run(OperatorClients clients, PrintWriter out, PrintWriter err);
}
