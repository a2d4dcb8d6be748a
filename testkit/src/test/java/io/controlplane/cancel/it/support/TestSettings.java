package io.controlplane.cancel.it.support;

import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The deployed configuration (deploy/processor.env), pointed at this test's broker and registry. */
public final class TestSettings {

    public static final Path DEPLOYED_ENV_FILE = Path.of("..", "deploy", "processor.env");

    private TestSettings() {}

    public static Map<String, Object> processor(String bootstrapServers, String registryUrl) {
        try {
            Map<String, Object> settings = new HashMap<>(EnvFile.settings(DEPLOYED_ENV_FILE));
            settings.put("bootstrap.servers", bootstrapServers);
            settings.put("schema.registry.url", registryUrl);
            settings.put(
                    "state.dir", Files.createTempDirectory("cancel-it-state").toString());
            // Several processors run on this machine at once: only the tests of the HTTP endpoints
            // give one a port (a free one).
            settings.put(CancelProcessorConfig.HTTP_PORT, 0);
            return settings;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
