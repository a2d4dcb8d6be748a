package io.controlplane.cancel.it.support;

import io.controlplane.cancel.app.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A docker-compose style env file (NAME=value lines, # comments), such as deploy/processor.env, read
 * as the processor reads its environment. The processor itself never reads such a file: Compose does.
 */
public final class EnvFile {

    private EnvFile() {}

    /** The settings the processor takes from the file's CANCEL_PROCESSOR_* variables. */
    public static Map<String, String> settings(Path file) throws IOException {
        Map<String, String> variables = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            int equals = trimmed.indexOf('=');
            if (!trimmed.isEmpty() && !trimmed.startsWith("#") && equals > 0) {
                variables.put(
                        trimmed.substring(0, equals).trim(),
                        trimmed.substring(equals + 1).trim());
            }
        }
        return Settings.fromEnvironment(variables);
    }
}
