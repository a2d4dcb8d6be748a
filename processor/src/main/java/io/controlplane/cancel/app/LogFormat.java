package io.controlplane.cancel.app;

import io.controlplane.cancel.config.CancelProcessorConfig;
import java.net.URISyntaxException;
import java.util.Map;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@link CancelProcessorConfig#LOG_FORMAT}: {@code text} (the default, {@code log4j2.properties}) or
 * {@code json} ({@code log4j2-json.properties}: one JSON object per line, for log collectors). Chosen
 * from the settings, which are read after logging started, so JSON is a reconfiguration at start-up.
 */
public final class LogFormat {

    static final String JSON_CONFIGURATION = "/log4j2-json.properties";

    private LogFormat() {}

    /**
     * Switches to JSON if the settings ask for it; before the other settings are checked, so that
     * their errors are logged in the format asked for.
     *
     * @throws org.apache.kafka.common.config.ConfigException when the format is neither text nor json
     */
    public static void apply(Map<String, String> settings) {
        if (CancelProcessorConfig.logsJson(settings)) {
            json();
        }
    }

    private static void json() {
        try {
            Configurator.reconfigure(
                    LogFormat.class.getResource(JSON_CONFIGURATION).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("The packaged " + JSON_CONFIGURATION + " has no URI", e);
        }
    }
}
