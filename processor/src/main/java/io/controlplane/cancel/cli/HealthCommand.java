package io.controlplane.cancel.cli;

import io.controlplane.cancel.app.HealthFile;
import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.app.StartupException;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        description = "Exit 0 if a processor started with the same settings is processing, 1 otherwise "
                + "(for container health checks). Reads the file named by cancel.health.file.")
final class HealthCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "The properties file the processor runs with.")
    private Path config;

    /** The environment to read CANCEL_PROCESSOR_* settings from; replaced in tests. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        Optional<Path> file;
        try {
            file = new CancelProcessorConfig(Settings.load(config, environment)).healthFile();
        } catch (StartupException | ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if (file.isEmpty()) {
            System.err.println("No health file configured: set " + CancelProcessorConfig.HEALTH_FILE + " ("
                    + Settings.environmentNameOf(CancelProcessorConfig.HEALTH_FILE) + ")");
            return 1;
        }
        Optional<String> problem = HealthFile.problem(file.get(), Instant.now(), HealthFile.MAX_AGE);
        problem.ifPresent(System.err::println);
        return problem.isPresent() ? 1 : 0;
    }
}
