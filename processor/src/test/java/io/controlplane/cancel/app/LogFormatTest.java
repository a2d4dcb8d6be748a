package io.controlplane.cancel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    @Test
    void jsonConfigurationLogsWhatTheTextOneLogsOnlyInAnotherLayout() throws IOException {
        Properties text = load("/log4j2.properties");
        Properties json = load(LogFormat.JSON_CONFIGURATION);
        text.keySet().removeIf(key -> key.toString().startsWith("appender.console.layout."));
        json.keySet().removeIf(key -> key.toString().startsWith("appender.console.layout."));

        assertThat(json).isEqualTo(text);
        assertThat(load(LogFormat.JSON_CONFIGURATION))
                .containsEntry("appender.console.layout.type", "JsonTemplateLayout");
    }

    @Test
    void textIsTheDefaultAndAnythingButTextOrJsonIsRefusedInOneLine() throws StartupException {
        LogFormat.apply(Map.of());
        LogFormat.apply(Map.of(LogFormat.CONFIG, " TEXT "));
        assertThatThrownBy(() -> LogFormat.apply(Map.of(LogFormat.CONFIG, "xml")))
                .isInstanceOf(StartupException.class)
                .hasMessage("cancel.log.format must be text or json, not 'xml'");
    }

    private static Properties load(String resource) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = LogFormat.class.getResourceAsStream(resource)) {
            properties.load(in);
        }
        return properties;
    }
}
