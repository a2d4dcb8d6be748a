package io.controlplane.cancel.cli;

import io.controlplane.cancel.app.HealthFile;
import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.app.StartupException;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        description = "Exit 0 if a processor started with the same settings is ready, 1 otherwise "
                + "(for container health checks). Asks its GET /health/ready on cancel.http.port; with "
                + "cancel.http.port=0, reads the file named by cancel.health.file instead.")
final class HealthCommand implements Callable<Integer> {

    @Mixin
    final SettingsMixin settings = new SettingsMixin();

    @Override
    public Integer call() {
        CancelProcessorConfig config;
        try {
            config = new CancelProcessorConfig(settings.load());
        } catch (StartupException | ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if (config.httpPort().isPresent()) {
            Optional<String> problem =
                    ReadinessProbe.problem(config.httpHost(), config.httpPort().getAsInt());
            problem.ifPresent(System.err::println);
            return problem.isPresent() ? 1 : 0;
        }
        Optional<Path> file = config.healthFile();
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
