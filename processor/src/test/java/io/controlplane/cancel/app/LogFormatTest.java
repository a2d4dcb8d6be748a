package io.controlplane.cancel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
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
    void textIsTheDefaultAndAnythingButTextOrJsonIsRefusedInOneLine() {
        LogFormat.apply(Map.of());
        LogFormat.apply(Map.of(CancelProcessorConfig.LOG_FORMAT, " TEXT "));
        assertThatThrownBy(() -> LogFormat.apply(Map.of(CancelProcessorConfig.LOG_FORMAT, "xml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value xml for configuration cancel.log.format: "
                        + "String must be one of (case insensitive): TEXT, JSON");
    }

    @Test
    void theFormatIsReadBeforeAndWithoutTheOtherSettings() {
        assertThat(CancelProcessorConfig.logsJson(Map.of(
                        CancelProcessorConfig.LOG_FORMAT, "Json", CancelProcessorConfig.HTTP_PORT, "not a port")))
                .isTrue();
        assertThat(CancelProcessorConfig.logsJson(Map.of())).isFalse();
    }

    private static Properties load(String resource) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = LogFormat.class.getResourceAsStream(resource)) {
            properties.load(in);
        }
        return properties;
    }
}
