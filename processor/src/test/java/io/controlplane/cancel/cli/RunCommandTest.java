package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.app.Settings;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

    /** Before anything reaches for Kafka: the setting, its value, the value it would replace, and the switch. */
    @Test
    void aSettingThatWouldReplaceASafetySettingStopsItInOneLine() {
        RunCommand run = new RunCommand();
        run.settings.environment = Map.of(
                Settings.environmentNameOf(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), StreamsConfig.AT_LEAST_ONCE);
        try (CapturedLog log = CapturedLog.of(RunCommand.class)) {
            assertThat(new CommandLine(run).execute()).isEqualTo(1);
            assertThat(log.lines())
                    .containsExactly(new CapturedLog.Line(
                            "ERROR",
                            "Cannot start: Refusing processing.guarantee=at_least_once, which would replace"
                                    + " exactly_once_v2: this processor's at-most-one-CANCELLED guarantee needs"
                                    + " exactly_once_v2 (set cancel.unsafe.allow.processing.guarantee=true to run"
                                    + " without it)"));
        }
    }
}
