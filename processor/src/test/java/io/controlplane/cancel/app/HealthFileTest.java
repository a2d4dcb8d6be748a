package io.controlplane.cancel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthFileTest {

    @TempDir
    Path dir;

    @Test
    void touchedWhileProcessingAndRemovedWhenNot() throws Exception {
        Path file = dir.resolve("alive");
        AtomicBoolean processing = new AtomicBoolean(true);
        try (HealthFile health = HealthFile.start(file, processing::get)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file));
            assertThat(HealthFile.problem(file, Instant.now(), HealthFile.MAX_AGE))
                    .isEmpty();

            processing.set(false);
            health.update();
            assertThat(file).doesNotExist();
            assertThat(HealthFile.problem(file, Instant.now(), HealthFile.MAX_AGE))
                    .hasValueSatisfying(problem -> assertThat(problem).contains("No health file"));

            processing.set(true);
            health.update();
            assertThat(file).exists();
        }
        assertThat(file)
                .as("removed on close, so a stopped processor is not reported healthy")
                .doesNotExist();
    }

    @Test
    void aFileLeftByAnEarlierProcessIsRemovedAtStart() throws Exception {
        Path file = dir.resolve("alive");
        Files.createFile(file);
        try (HealthFile ignored = HealthFile.start(file, () -> false)) {
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void aStaleFileIsAProblem() throws Exception {
        Path file = dir.resolve("alive");
        Files.createFile(file);
        Instant now = Instant.now();
        Files.setLastModifiedTime(
                file, FileTime.from(now.minus(HealthFile.MAX_AGE).minusSeconds(1)));
        assertThat(HealthFile.problem(file, now, HealthFile.MAX_AGE))
                .hasValueSatisfying(problem -> assertThat(problem).contains("s old"));

        Files.setLastModifiedTime(file, FileTime.from(now.minus(HealthFile.MAX_AGE)));
        assertThat(HealthFile.problem(file, now, HealthFile.MAX_AGE)).isEmpty();
    }
}
