package io.controlplane.cancel.cli;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.app.LogFormat;
import io.controlplane.cancel.app.StartupException;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the processor until stopped (SIGTERM / Ctrl-C). Settings come from --config and from "
                + "CANCEL_PROCESSOR_* environment variables, which win (see README.md).")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    final SettingsMixin settings = new SettingsMixin();

    @Override
    public Integer call() throws InterruptedException {
        CancelProcessorApp app;
        try {
            Map<String, String> loaded = settings.load();
            LogFormat.apply(loaded);
            app = CancelProcessorApp.start(loaded);
        } catch (StartupException | org.apache.kafka.common.config.ConfigException e) {
            log.error("Cannot start: {}", e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "cancel-processor-shutdown"));
        if (app.awaitEnd()) {
            log.error("Processing failed for good; exiting so that the process supervisor can restart it");
            return 1;
        }
        return 0;
    }
}
