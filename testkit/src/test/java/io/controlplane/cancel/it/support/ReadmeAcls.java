package io.controlplane.cancel.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.AclCommand;

/**
 * The {@code kafka-acls.sh} commands README lists for a least-privilege deployment, run as written by
 * Kafka's own {@code kafka-acls} ({@link AclCommand}): so the ACLs the test grants are README's, and
 * README's commands are known to work.
 */
public final class ReadmeAcls {

    public static final Path README = Path.of("..", "README.md");
    private static final String BEGIN = "<!-- acls:begin";
    private static final String END = "<!-- acls:end -->";
    private static final String COMMAND = "kafka-acls.sh";
    /** Stands for how the command reaches the broker as an administrator. */
    private static final String ADMIN = "$ADMIN";

    private ReadmeAcls() {}

    /** Each command's arguments as README writes them, {@code $ADMIN} included. */
    public static List<List<String>> commands() {
        List<String> lines;
        try {
            lines = Files.readAllLines(README);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int begin = indexOfLineStartingWith(lines, BEGIN, 0);
        int end = indexOfLineStartingWith(lines, END, begin);
        List<List<String>> commands = new ArrayList<>();
        for (String line : lines.subList(begin + 1, end)) {
            List<String> words = Arrays.asList(line.trim().split("\\s+"));
            if (words.get(0).equals(COMMAND)) {
                commands.add(words.subList(1, words.size()));
            }
        }
        if (commands.isEmpty()) {
            throw new IllegalStateException("No " + COMMAND + " lines in " + README + " between its acls markers");
        }
        return commands;
    }

    /**
     * Runs every command against {@code bootstrapServers} as the administrator whose client settings
     * are in {@code adminConfig} ({@code --command-config}).
     */
    public static void grant(String bootstrapServers, Path adminConfig) {
        for (List<String> command : commands()) {
            List<String> args = new ArrayList<>();
            for (String word : command) {
                if (word.equals(ADMIN)) {
                    args.addAll(List.of(
                            "--bootstrap-server", bootstrapServers, "--command-config", adminConfig.toString()));
                } else {
                    args.add(word);
                }
            }
            run(args);
        }
    }

    /** kafka-acls prints what it added and exits the JVM on failure: its output is kept, its exit thrown. */
    private static void run(List<String> args) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("kafka-acls " + String.join(" ", args) + " exited with " + status + ":\n"
                    + output.toString(StandardCharsets.UTF_8));
        });
        PrintStream captured = new PrintStream(output, true, StandardCharsets.UTF_8);
        System.setOut(captured);
        System.setErr(captured);
        try {
            AclCommand.main(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            Exit.resetExitProcedure();
        }
    }

    private static int indexOfLineStartingWith(List<String> lines, String prefix, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new IllegalStateException("No line starting with '" + prefix + "' in " + README);
    }
}
