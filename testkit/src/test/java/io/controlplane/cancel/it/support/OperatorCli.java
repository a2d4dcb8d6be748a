package io.controlplane.cancel.it.support;

import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.cli.CancelProcessorCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The product's command line run in this JVM, as {@code ./cancel-processor} runs it (same entry
 * point, same exception handling), on a {@code --config} file of the given settings; its exit code
 * and what it printed are returned, nothing calls System.exit.
 */
public final class OperatorCli {

    private final Path config;

    /** One run of a subcommand: what it returned and printed. */
    public record Run(int exitCode, String out, String err) {}

    public OperatorCli(Map<String, Object> settings, Path config) {
        this.config = config;
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        try (Writer writer = Files.newBufferedWriter(config)) {
            properties.store(writer, "settings of the operator CLI under test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code subcommand args... --config FILE} to its end. */
    public Run run(String subcommand, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = commandLine(out, err).execute(arguments(subcommand, args));
        return new Run(exit, out.toString(), err.toString());
    }

    /** Runs {@code subcommand args... --config FILE}, printing into {@code out} and {@code err} as it goes. */
    public int run(StringWriter out, StringWriter err, String subcommand, String... args) {
        return commandLine(out, err).execute(arguments(subcommand, args));
    }

    /**
     * Starts {@code subcommand args... --config FILE} as {@code ./cancel-processor} does, in a JVM of
     * its own running the packaged product jar; its stdout and stderr go to {@code <files>.out} and
     * {@code <files>.err}.
     */
    public Process launch(Path files, String subcommand, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                ProcessorJvm.JAR.toAbsolutePath().toString()));
        command.addAll(List.of(arguments(subcommand, args)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(Path.of(files + ".out").toFile())
                .redirectError(Path.of(files + ".err").toFile());
        builder.environment().keySet().removeIf(variable -> variable.startsWith(Settings.ENV_PREFIX));
        return builder.start();
    }

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        CommandLine commandLine = CancelProcessorCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }

    private String[] arguments(String subcommand, String... args) {
        List<String> all = new ArrayList<>();
        all.add(subcommand);
        all.addAll(List.of(args));
        all.add("--config");
        all.add(config.toString());
        return all.toArray(String[]::new);
    }
}
