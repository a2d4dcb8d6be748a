package io.controlplane.cancel.demo;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./cancel-processor demo}: a first look at the processor. It lives in the test kit, not in the
 * product, because it needs a whole Kafka broker in its JVM.
 */
@Command(
        name = "cancel-processor demo",
        mixinStandardHelpOptions = true,
        version = "cancel-processor 0.1.0",
        description = "Start a real Kafka broker in this JVM, an in-memory schema registry and the processor; "
                + "play a short scenario; print what came out; then cancel a tenant's runs in bulk with the "
                + "operator's bulk-cancel, a dry run first; exit.")
public final class DemoCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return new Demo(System.out).run() ? 0 : 1;
    }
}
