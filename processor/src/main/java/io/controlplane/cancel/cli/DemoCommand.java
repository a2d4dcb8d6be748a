package io.controlplane.cancel.cli;

import io.controlplane.cancel.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a real Kafka broker in this JVM, an in-memory schema registry and the processor; "
                + "play a short scenario; print what came out; exit.")
final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        return new Demo(System.out).run() ? 0 : 1;
    }
}
