package io.controlplane.cancel.it.support;

import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * The processor JVMs of one test: started by name, each name with a state directory of its own
 * (a restart under the same name finds its disk again), killed after the test. Their output goes
 * to {@code target/it-logs/<class>/<test>/}, and is printed only if the test failed. A failure's
 * message also gets a digest of each JVM (alive or not, its last warnings and last line): CI shows
 * only the tail of the build's output, where the one-line summary of each failure is all there is.
 */
public final class ProcessorJvms
        implements BeforeEachCallback, AfterEachCallback, TestWatcher, TestExecutionExceptionHandler {

    /** Warnings each processor logs at every start, whatever happens later: not news in a digest. */
    private static final List<String> EVERY_START = List.of("Using an OS temp directory", "GlobalThread");

    private static final int DIGEST_WARNINGS = 3;
    private static final int DIGEST_LINE_CHARS = 240;
    private static final int FAILURE_MESSAGE_CHARS = 800;

    private final List<ProcessorJvm> started = new ArrayList<>();
    private Path logDir;
    private Path stateRoot;

    /**
     * The deployed settings (whose session timeout bounds how long a crash is waited out) pointed
     * at this test's broker and registry; commands for unknown executions are rejected after 3 s.
     */
    public static Map<String, Object> settings(String bootstrapServers, String registryUrl) {
        Map<String, Object> settings = new HashMap<>(TestSettings.processor(bootstrapServers, registryUrl));
        settings.remove(StreamsConfig.STATE_DIR_CONFIG);
        settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, 3_000);
        return settings;
    }

    /** Starts the jar as processor {@code name}, on {@code settings} plus its own state directory. */
    public ProcessorJvm start(String name, Map<String, Object> settings) throws IOException {
        Map<String, Object> own = new HashMap<>(settings);
        own.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.resolve(name).toString());
        long earlier = started.stream().filter(jvm -> jvm.name().equals(name)).count();
        ProcessorJvm jvm = ProcessorJvm.launch(name, own, logDir.resolve(name + "-" + (earlier + 1)));
        started.add(jvm);
        return jvm;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        logDir = Path.of(
                "target",
                "it-logs",
                context.getRequiredTestClass().getSimpleName(),
                context.getRequiredTestMethod().getName());
        deleteRecursively(logDir);
        stateRoot = Files.createTempDirectory("cancel-it-jvm-state");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (ProcessorJvm jvm : started) {
            if (jvm.isAlive()) {
                jvm.kill();
            }
        }
        deleteRecursively(stateRoot);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (started.isEmpty() || failure instanceof TestAbortedException) {
            throw failure; // an assumption that did not hold skips the test: it stays a skip
        }
        throw new AssertionError(
                oneLine(String.valueOf(failure.getMessage())) + " [processor JVMs: " + digest() + "]", failure);
    }

    /** Each JVM on one line: whether it still runs, its last few warnings or errors, its last line. */
    private String digest() {
        List<String> parts = new ArrayList<>();
        for (ProcessorJvm jvm : started) {
            List<String> lines;
            try {
                lines = Files.readAllLines(jvm.log());
            } catch (IOException e) {
                lines = List.of("(log unreadable: " + e + ")");
            }
            List<String> warnings = lines.stream()
                    .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .filter(line -> EVERY_START.stream().noneMatch(line::contains))
                    .toList();
            parts.add(jvm.log().getFileName() + (jvm.isAlive() ? " alive" : " ended") + ", last warnings "
                    + warnings.subList(Math.max(0, warnings.size() - DIGEST_WARNINGS), warnings.size()).stream()
                            .map(ProcessorJvms::cut)
                            .toList()
                    + ", last line " + (lines.isEmpty() ? "(none)" : cut(lines.get(lines.size() - 1))));
        }
        return String.join("; ", parts);
    }

    /** A log line without its long bracketed parts (thread names, client ids), which fill the line and say little. */
    private static String cut(String line) {
        String shorter = line.replaceAll("\\[[^\\]]{40,}\\]\\s*", "");
        return shorter.length() <= DIGEST_LINE_CHARS ? shorter : shorter.substring(0, DIGEST_LINE_CHARS) + "...";
    }

    /**
     * A failure's message on one line: AssertJ puts what was expected on the lines after the first,
     * joined here and cut. A message already on one line is left whole: a test that adds what it had
     * read (BulkCancelCrashIT) joins and cuts the assertion's part itself, and its context must not be
     * cut off again when this extension adds the JVMs' digest.
     */
    public static String oneLine(String message) {
        if (message.lines().count() <= 1) {
            return message.strip();
        }
        String joined = message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " / ");
        return joined.length() <= FAILURE_MESSAGE_CHARS ? joined : joined.substring(0, FAILURE_MESSAGE_CHARS) + "...";
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        for (ProcessorJvm jvm : started) {
            System.out.println("===== output of processor JVM " + jvm.log() + " =====");
            try {
                System.out.println(Files.readString(jvm.log()));
            } catch (IOException e) {
                System.out.println("(unreadable: " + e + ")");
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
