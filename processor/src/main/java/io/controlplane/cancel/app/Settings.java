package io.controlplane.cancel.app;

import io.controlplane.cancel.config.EnvironmentSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The processor's settings: a properties file, overridden by environment variables ({@link
 * EnvironmentSettings}, shared with the client library).
 *
 * <p>Any setting can come from the environment as {@code CANCEL_PROCESSOR_} followed by its key in
 * upper case, with {@code .} written as {@code _} and {@code -} as {@code __}: e.g.
 * {@code CANCEL_PROCESSOR_BOOTSTRAP_SERVERS} is {@code bootstrap.servers} and
 * {@code CANCEL_PROCESSOR_CANCEL_NOT__FOUND_GRACE_MS} is {@code cancel.not-found.grace.ms}.
 */
public final class Settings {

    public static final String ENV_PREFIX = EnvironmentSettings.ENV_PREFIX;

    private Settings() {}

    public static Map<String, String> load(Path file, Map<String, String> environment) throws StartupException {
        Map<String, String> settings = new TreeMap<>();
        if (file != null) {
            settings.putAll(read(file));
        }
        settings.putAll(fromEnvironment(environment));
        return settings;
    }

    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        return EnvironmentSettings.from(environment);
    }

    static String keyOf(String environmentName) {
        return EnvironmentSettings.keyOf(environmentName);
    }

    public static String environmentNameOf(String key) {
        return EnvironmentSettings.environmentNameOf(key);
    }

    private static Map<String, String> read(Path file) throws StartupException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (NoSuchFileException e) {
            throw new StartupException("Config file " + file + " does not exist");
        } catch (IOException e) {
            throw new StartupException("Cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> settings = new TreeMap<>();
        props.stringPropertyNames()
                .forEach(key -> settings.put(key, props.getProperty(key).trim()));
        return settings;
    }
}
