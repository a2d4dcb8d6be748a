package io.controlplane.cancel.it.support;

import io.controlplane.cancel.testkit.PackagedProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The packaged processor of a test running in a JVM of its own ({@link PackagedProcessor}), small
 * and quick to start, so that it can be killed outright.
 */
public final class ProcessorJvm {

    /** The product as the processor module packages it (the test kit builds after it in the same reactor). */
    static final Path JAR = Path.of("..", "processor", "target", "cancel-processor.jar");
    /** Small and quick to start: the workloads are small, and the cores are shared with the broker. */
    static final String DEFAULT_HEAP = "384m";

    private final PackagedProcessor process;

    private ProcessorJvm(PackagedProcessor process) {
        this.process = process;
    }

    /** Writes {@code settings} to {@code <files>.properties} and starts the jar on them, logging to {@code <files>.log}. */
    static ProcessorJvm launch(String name, Map<String, Object> settings, Path files) throws IOException {
        return launch(name, settings, files, DEFAULT_HEAP);
    }

    /** As {@link #launch(String, Map, Path)}, with a maximum heap of {@code heap} (as for -Xmx, e.g. "256m"). */
    public static ProcessorJvm launch(String name, Map<String, Object> settings, Path files, String heap)
            throws IOException {
        return new ProcessorJvm(PackagedProcessor.launch(
                JAR,
                name,
                settings,
                Path.of(files + ".properties"),
                Path.of(files + ".log"),
                List.of("-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")));
    }

    public String name() {
        return process.name();
    }

    public Path log() {
        return process.log();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no close, no transaction commit or abort, no state checkpoint. */
    public void kill() throws InterruptedException {
        process.kill();
    }
}
