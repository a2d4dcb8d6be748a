package io.controlplane.cancel.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file whose modification time says that the processor is processing. The processor serves no
 * HTTP, so a container health check ({@code cancel-processor health}) reads this file instead: it is
 * touched every few seconds while Kafka Streams is RUNNING or REBALANCING and removed otherwise, so a
 * missing or stale file means the stream has stopped or the JVM no longer gets anything done.
 */
public final class HealthFile implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** Several missed intervals, so that a long GC pause is not reported as a failure. */
    public static final Duration MAX_AGE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(HealthFile.class);

    private final Path file;
    private final BooleanSupplier processing;
    private final ScheduledExecutorService timer;

    private HealthFile(Path file, BooleanSupplier processing, ScheduledExecutorService timer) {
        this.file = file;
        this.processing = processing;
        this.timer = timer;
    }

    /** Starts updating {@code file}; a file left by an earlier process is removed first. */
    public static HealthFile start(Path file, BooleanSupplier processing) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cancel-processor-health-file");
            thread.setDaemon(true);
            return thread;
        });
        HealthFile health = new HealthFile(file, processing, timer);
        health.delete();
        timer.scheduleAtFixedRate(health::update, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return health;
    }

    void update() {
        if (!processing.getAsBoolean()) {
            delete();
            return;
        }
        try {
            Files.write(file, new byte[0]);
        } catch (IOException e) {
            log.warn("Cannot touch health file {}: {}", file, e.toString());
        }
    }

    /** @return why the processor counts as unhealthy, or empty if the file was touched recently enough */
    public static Optional<String> problem(Path file, Instant now, Duration maxAge) {
        try {
            Instant touched = Files.getLastModifiedTime(file).toInstant();
            Duration age = Duration.between(touched, now);
            return age.compareTo(maxAge) <= 0
                    ? Optional.empty()
                    : Optional.of("Health file " + file + " is " + age.toSeconds() + " s old (at most "
                            + maxAge.toSeconds() + " s): the processor is not processing");
        } catch (NoSuchFileException e) {
            return Optional.of("No health file " + file + ": the processor is not processing (yet)");
        } catch (IOException e) {
            return Optional.of("Cannot read health file " + file + ": " + e);
        }
    }

    private void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot remove health file {}: {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delete();
    }
}
