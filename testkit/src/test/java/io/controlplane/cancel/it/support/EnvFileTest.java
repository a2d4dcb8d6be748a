package io.controlplane.cancel.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.config.CancelProcessorConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvFileTest {

    @Test
    void deployedEnvFileIsValidConfiguration() throws Exception {
        Map<String, String> settings = EnvFile.settings(Path.of("..", "deploy", "processor.env"));
        assertThat(settings).containsEntry("processing.guarantee", "exactly_once_v2");
        assertThat(new CancelProcessorConfig(settings).notFoundGrace()).hasSeconds(10);
    }
}
