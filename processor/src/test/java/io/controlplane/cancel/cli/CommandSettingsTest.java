package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command reads the processor's settings one way: through {@link SettingsMixin}, declared once. */
class CommandSettingsTest {

    @Test
    void everyCommandTakesItsSettingsThroughTheOneMixin() {
        Map<String, CommandLine> commands = CancelProcessorCli.commandLine().getSubcommands();
        assertThat(commands)
                .containsOnlyKeys(
                        "run",
                        "create-topics",
                        "health",
                        "cancel",
                        "bulk-cancel",
                        "bulk-control",
                        "grant",
                        "revoke",
                        "watch",
                        "status");
        commands.forEach((name, command) -> {
            CommandSpec spec = command.getCommandSpec();
            CommandSpec mixin = spec.mixins().get("settings");
            assertThat(mixin).as(name).isNotNull();
            assertThat(mixin.userObject()).as(name).isInstanceOf(SettingsMixin.class);
            OptionSpec config = spec.findOption("--config");
            assertThat(mixin.options()).as(name).contains(config);
        });
    }

    @Test
    void theEnvironmentGivenToACommandIsTheOneItsSettingsAreReadFrom() throws Exception {
        HealthCommand health = new HealthCommand();
        health.settings.environment = Map.of("CANCEL_PROCESSOR_CANCEL_HTTP_PORT", "0");
        new CommandLine(health).parseArgs();
        assertThat(health.settings.load()).containsExactlyEntriesOf(Map.of("cancel.http.port", "0"));
    }
}
