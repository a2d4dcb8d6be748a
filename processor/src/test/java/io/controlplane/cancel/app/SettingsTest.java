package io.controlplane.cancel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.config.CancelProcessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @Test
    void environmentVariablesMapToPropertyKeys() {
        assertThat(Settings.fromEnvironment(Map.of(
                        "CANCEL_PROCESSOR_BOOTSTRAP_SERVERS", "kafka:9092",
                        "CANCEL_PROCESSOR_CANCEL_NOT__FOUND_GRACE_MS", "0",
                        "CANCEL_PROCESSOR_CANCEL_TOPIC_RUN__STATES", "runs",
                        "PATH", "/usr/bin")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "bootstrap.servers",
                        "kafka:9092",
                        CancelProcessorConfig.NOT_FOUND_GRACE_MS,
                        "0",
                        CancelProcessorConfig.RUN_STATES_TOPIC,
                        "runs"));
    }

    @Test
    void everyProcessorSettingHasAnEnvironmentNameThatMapsBack() {
        CancelProcessorConfig.definition()
                .names()
                .forEach(key -> assertThat(Settings.keyOf(Settings.environmentNameOf(key)))
                        .isEqualTo(key));
    }

    @Test
    void environmentOverridesTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cancel.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\ncancel.required.role=operator\n");
        Map<String, String> settings = Settings.load(file, Map.of("CANCEL_PROCESSOR_BOOTSTRAP_SERVERS", "env:9092"));
        assertThat(settings)
                .containsEntry("bootstrap.servers", "env:9092")
                .containsEntry(CancelProcessorConfig.REQUIRED_ROLE, "operator");
    }

    @Test
    void missingConfigFileIsOneClearLine(@TempDir Path dir) {
        assertThatThrownBy(() -> Settings.load(dir.resolve("nope.properties"), Map.of()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("nope.properties does not exist");
    }
}
