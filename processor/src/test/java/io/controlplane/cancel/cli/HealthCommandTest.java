package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HealthCommandTest {

    @TempDir
    Path dir;

    @Test
    void healthyWhileTheFileIsFresh() throws Exception {
        Path file = Files.createFile(dir.resolve("alive"));
        assertThat(health(file.toString())).isZero();

        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
        assertThat(health(file.toString())).isEqualTo(1);

        Files.delete(file);
        assertThat(health(file.toString())).isEqualTo(1);
    }

    @Test
    void unhealthyWithoutAConfiguredFile() {
        assertThat(health(null)).isEqualTo(1);
    }

    @Test
    void readsTheFileNameFromTheConfigFileToo() throws Exception {
        Files.createFile(dir.resolve("alive"));
        Path config = dir.resolve("cancel.properties");
        Files.writeString(config, CancelProcessorConfig.HEALTH_FILE + "=" + dir.resolve("alive") + "\n");
        HealthCommand command = new HealthCommand();
        command.environment = Map.of();
        assertThat(new CommandLine(command).execute("--config", config.toString()))
                .isZero();
    }

    /** Runs {@code health} with the file named the way the container image names it: in the environment. */
    private static int health(String file) {
        HealthCommand command = new HealthCommand();
        command.environment =
                file == null ? Map.of() : Map.of(Settings.environmentNameOf(CancelProcessorConfig.HEALTH_FILE), file);
        return new CommandLine(command).execute();
    }
}
