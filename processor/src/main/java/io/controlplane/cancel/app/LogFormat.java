package io.controlplane.cancel.app;

import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code cancel.log.format}: {@code text} (the default, {@code log4j2.properties}) or {@code json}
 * ({@code log4j2-json.properties}: one JSON object per line, for log collectors). Chosen from the
 * settings, which are read after logging started, so JSON is a reconfiguration at start-up.
 */
public final class LogFormat {

    public static final String CONFIG = "cancel.log.format";
    static final String JSON_CONFIGURATION = "/log4j2-json.properties";

    private LogFormat() {}

    public static void apply(Map<String, String> settings) throws StartupException {
        String format = settings.getOrDefault(CONFIG, "text").trim().toLowerCase(Locale.ROOT);
        switch (format) {
            case "text" -> {}
            case "json" -> json();
            default ->
                throw new StartupException(CONFIG + " must be text or json, not '"
                        + (format.length() > 40 ? format.substring(0, 40) + "..." : format) + "'");
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
