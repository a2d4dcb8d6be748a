package io.controlplane.cancel.testkit;

import io.controlplane.cancel.app.Settings;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The packaged product in a JVM of its own, started the way it is deployed ({@code java -jar
 * cancel-processor.jar run --config FILE}), so that its memory is its own and it can be killed
 * outright: for the benchmark harness and for the tests that crash a processor.
 */
public final class PackagedProcessor {

    private final String name;
    private final Path log;
    private final Process process;

    private PackagedProcessor(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /**
     * Writes {@code settings} to {@code config} and starts {@code jar} on them with {@code jvmOptions}
     * (e.g. {@code -Xmx256m}), its output appended to {@code log}.
     */
    public static PackagedProcessor launch(
            Path jar, String name, Map<String, Object> settings, Path config, Path log, List<String> jvmOptions)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: package the processor module first");
        }
        Files.createDirectories(config.toAbsolutePath().getParent());
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        try (Writer writer = Files.newBufferedWriter(config)) {
            properties.store(writer, "settings of processor " + name);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                jar.toAbsolutePath().toString(),
                "run",
                "--config",
                config.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The config file is the whole configuration: nothing from this machine's environment overrides it.
        builder.environment().keySet().removeIf(variable -> variable.startsWith(Settings.ENV_PREFIX));
        return new PackagedProcessor(name, log, builder.start());
    }

    public String name() {
        return name;
    }

    /** Where its output goes. */
    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM: the processor closes Kafka Streams and leaves the group; SIGKILL if it has not within 60 s. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** SIGKILL: no shutdown hook, no close, no transaction commit or abort, no state checkpoint. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Processor " + name + " still runs 30 s after SIGKILL");
        }
    }
}
