package io.controlplane.cancel.it.support;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.StreamsProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StreamsConfig;

/** The deployed configuration (deploy/processor.env), pointed at this test's broker and registry. */
public final class TestSettings {

    public static final Path DEPLOYED_ENV_FILE = Path.of("..", "deploy", "processor.env");

    private static final AtomicInteger NAMES_GIVEN = new AtomicInteger();

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

    /**
     * As {@link #processor}, with topics and an application.id no other test in this JVM has: on a
     * broker the test classes share, each sees only its own records, consumer group and internal
     * topics. {@code owner} (e.g. the test class's name) makes the names readable in a broker's log.
     */
    public static Map<String, Object> isolated(String bootstrapServers, String registryUrl, String owner) {
        Map<String, Object> settings = processor(bootstrapServers, registryUrl);
        ownNames(settings, uniquePrefix(owner));
        return settings;
    }

    /** A prefix no other call in this JVM returns, ending in a dot: {@code <owner>-<n>.}. */
    public static String uniquePrefix(String owner) {
        return owner + "-" + NAMES_GIVEN.incrementAndGet() + ".";
    }

    /** Every topic and the application.id (so its consumer group and internal topics) under {@code prefix}. */
    public static void ownNames(Map<String, Object> settings, String prefix) {
        for (CancelTopic<?> topic : CancelTopic.ALL) {
            settings.put(topic.configKey(), prefix + topic.defaultName());
        }
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + StreamsProperties.DEFAULT_APPLICATION_ID);
    }
}
