package io.controlplane.cancel.it.support;

import io.controlplane.cancel.app.Settings;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The packaged processor running in a JVM of its own, started the way it is deployed
 * ({@code java -jar cancel-processor.jar run --config FILE}), so that it can be killed outright.
 */
public final class ProcessorJvm {

    /** The product as the processor module packages it (the test kit builds after it in the same reactor). */
    static final Path JAR = Path.of("..", "processor", "target", "cancel-processor.jar");
    /** Small and quick to start: the workloads are small, and the cores are shared with the broker. */
    static final String DEFAULT_HEAP = "384m";

    private final String name;
    private final Path log;
    private final Process process;

    private ProcessorJvm(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Writes {@code settings} to {@code <files>.properties} and starts the jar on them, logging to {@code <files>.log}. */
    static ProcessorJvm launch(String name, Map<String, Object> settings, Path files) throws IOException {
        return launch(name, settings, files, DEFAULT_HEAP);
    }

    /** As {@link #launch(String, Map, Path)}, with a maximum heap of {@code heap} (as for -Xmx, e.g. "256m"). */
    public static ProcessorJvm launch(String name, Map<String, Object> settings, Path files, String heap)
            throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the ITs through mvn verify");
        }
        Path config = Path.of(files + ".properties");
        Path log = Path.of(files + ".log");
        Files.createDirectories(config.getParent());
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        try (Writer writer = Files.newBufferedWriter(config)) {
            properties.store(writer, "settings of processor " + name);
        }
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + heap,
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "run",
                        "--config",
                        config.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // The config file is the whole configuration: nothing from this machine's environment overrides it.
        builder.environment().keySet().removeIf(variable -> variable.startsWith(Settings.ENV_PREFIX));
        return new ProcessorJvm(name, log, builder.start());
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no close, no transaction commit or abort, no state checkpoint. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Processor " + name + " still runs 30 s after SIGKILL");
        }
    }
}
