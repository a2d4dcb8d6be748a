package io.controlplane.cancel.cli;

import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.app.StartupException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The processor's settings as every command that takes them reads them: {@code --config FILE}, then the
 * {@code CANCEL_PROCESSOR_*} environment variables, which win ({@link Settings}). A picocli mixin: a
 * command has it as {@code @Mixin final SettingsMixin settings = new SettingsMixin();}, an instance of
 * its own that tests can give another environment before the command line is built.
 */
final class SettingsMixin {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The properties file the processor runs with: any Kafka Streams or client setting, the "
                    + "schema registry's, cancel.*; CANCEL_PROCESSOR_* environment variables win over it.")
    private Path config;

    /** The environment to read CANCEL_PROCESSOR_* settings from; replaced in tests. */
    Map<String, String> environment = System.getenv();

    /** The settings: the file's, if one is named, overridden by the environment's. */
    Map<String, String> load() throws StartupException {
        return Settings.load(config, environment);
    }
}
