package io.controlplane.cancel.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings given as environment variables, read the same way by the processor and by its client
 * library: {@code CANCEL_PROCESSOR_} followed by the key in upper case, with {@code .} written as
 * {@code _} and {@code -} as {@code __} ({@code CANCEL_PROCESSOR_BOOTSTRAP_SERVERS} is
 * {@code bootstrap.servers}, {@code CANCEL_PROCESSOR_CANCEL_NOT__FOUND_GRACE_MS} is
 * {@code cancel.not-found.grace.ms}).
 */
public final class EnvironmentSettings {

    public static final String ENV_PREFIX = "CANCEL_PROCESSOR_";

    private EnvironmentSettings() {}

    /** The settings among {@code environment}'s variables, by key. */
    public static Map<String, String> from(Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                settings.put(keyOf(name), value);
            }
        });
        return settings;
    }

    /** The key a variable named {@code environmentName} sets. */
    public static String keyOf(String environmentName) {
        return environmentName
                .substring(ENV_PREFIX.length())
                .toLowerCase(Locale.ROOT)
                .replace("__", "-")
                .replace('_', '.');
    }

    /** The variable that sets {@code key}. */
    public static String environmentNameOf(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace("-", "__").replace('.', '_');
    }
}
