package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cancel.app.LogFormat;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** cancel.log.format=json: a decision's log line is one JSON object with the command's ids. */
class JsonLogLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final URI testConfiguration =
            context.getConfiguration().getConfigurationSource().getURI();

    @AfterEach
    void backToTheTestConfiguration() {
        Configurator.reconfigure(testConfiguration);
    }

    @Test
    void decisionLogLineIsOneJsonObjectWithTraceCommandAndExecutionIds() throws Exception {
        LogFormat.apply(Map.of(CancelProcessorConfig.LOG_FORMAT, "json"));
        Configurator.setLevel("org.apache.kafka", Level.ERROR); // quiet, as the test configuration is
        List<String> lines = captureWithTheConfiguredLayout(ExecutionProcessor.class.getName());

        CancelCommand command;
        try (CancelDriver driver = new CancelDriver()) {
            driver.admin("alice");
            driver.runState("run-json", RunStatus.RUNNING, 1);
            command = driver.cancel("run-json", "alice");
            assertThat(driver.changes()).hasSize(1);
        }

        assertThat(lines).isNotEmpty();
        String line = lines.stream()
                .filter(l -> l.contains("Cancelled execution"))
                .findFirst()
                .orElseThrow();
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode object = JSON.readTree(line);
        assertThat(object.isObject()).isTrue();
        assertThat(object.path("traceId").asText()).isEqualTo(command.getTraceId());
        assertThat(object.path("commandId").asText()).isEqualTo(command.getCommandId());
        assertThat(object.path("executionId").asText()).isEqualTo("run-json");
        assertThat(object.path("log.level").asText()).isEqualTo("DEBUG");
    }

    /** The lines one logger writes at DEBUG, serialized by the layout of the configured console appender. */
    private List<String> captureWithTheConfiguredLayout(String loggerName) {
        Layout<?> layout = context.getConfiguration().getAppender("console").getLayout();
        List<String> lines = new CopyOnWriteArrayList<>();
        AbstractAppender appender = new AbstractAppender("json-capture", null, layout, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(new String(getLayout().toByteArray(event), StandardCharsets.UTF_8));
            }
        };
        appender.start();
        LoggerConfig config = new LoggerConfig(loggerName, Level.DEBUG, false);
        config.addAppender(appender, Level.DEBUG, null);
        context.getConfiguration().addLogger(loggerName, config);
        context.updateLoggers();
        return lines;
    }
}
