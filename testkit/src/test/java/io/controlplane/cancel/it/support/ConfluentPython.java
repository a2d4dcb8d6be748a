package io.controlplane.cancel.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;

/**
 * Debian's Python with Confluent's client (python3-confluent-kafka) and a JWT library (python3-jwt),
 * running a script under interop/.
 */
public final class ConfluentPython {

    /** Debian's; {@code -Dconfluent.python=PATH} names another, e.g. a virtualenv with pip's confluent-kafka. */
    private static final String PYTHON = System.getProperty("confluent.python", "/usr/bin/python3");

    private static final String MISSING = "Confluent's Python client is missing from " + PYTHON + ": install it"
            + " with apt-get install -y python3-confluent-kafka python3-avro python3-requests python3-jwt"
            + " python3-cryptography (.ci/run does)";

    private ConfluentPython() {}

    /**
     * Fails the test class under CI when the client is missing; elsewhere skips it. Registered with
     * {@code @Order(0)}, it runs before the class's broker and registry start, not after.
     */
    public static BeforeAllCallback required() {
        return context -> ContinuousIntegration.requireTool(installed(), MISSING);
    }

    /** Runs {@code interop/<script>} with {@code args}, its output to {@code log}; returns its exit code. */
    public static int run(String script, List<String> args, Path log, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of(PYTHON, Path.of("..", "interop", script).toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(script + " did not finish within " + timeout.toSeconds() + " s; its output:\n"
                    + Files.readString(log));
        }
        return process.exitValue();
    }

    private static boolean installed() throws InterruptedException {
        try {
            Process probe = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.avro, jwt, cryptography")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!probe.waitFor(30, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return false;
            }
            return probe.exitValue() == 0;
        } catch (IOException noPython) {
            return false;
        }
    }
}
