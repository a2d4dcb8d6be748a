package io.controlplane.cancel.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.AclCommand;

/**
 * The {@code kafka-acls.sh} commands README lists for a least-privilege deployment, run as written by
 * Kafka's own {@code kafka-acls} ({@link AclCommand}): so the ACLs the test grants are README's, and
 * README's commands are known to work.
 *
 * <p>Between README's acls markers, the {@code ```sh} blocks are read as a shell reads them: words split
 * on blanks, single quotes taken literally, double quotes with their backslash escapes, a backslash
 * escaping the next character, backslash-newline joining lines, and {@code #} starting a comment at the
 * start of a word. Every command there must be {@code kafka-acls.sh}, with the unquoted word
 * {@code $ADMIN} (how it reaches the broker) once and options kafka-acls takes (its own
 * {@link AclCommand.AclCommandOptions} parses them). Anything else in a block is refused, loudly and
 * naming its line, rather than skipped: a reader would run it and the test would not. So is what this
 * reading does not do as a shell would (other expansions, operators, globs, braces, tildes), a block in
 * another language, an unclosed block or quote, and a {@code kafka-acls.sh} line outside a block. The
 * prose between the blocks is README's own.
 */
public final class ReadmeAcls {

    public static final Path README = Path.of("..", "README.md");
    private static final String BEGIN = "<!-- acls:begin";
    private static final String END = "<!-- acls:end -->";
    private static final String FENCE = "```";
    private static final Set<String> SHELLS = Set.of("sh", "bash", "shell");
    static final String COMMAND = "kafka-acls.sh";
    /** Stands for how the command reaches the broker as an administrator. */
    static final String ADMIN = "$ADMIN";
    /** What a shell does something with, unquoted, that this reading does not: operators... */
    private static final String OPERATORS = ";&|<>()`";
    /** ...and expansions (globs, braces, a tilde). */
    private static final String EXPANDED = "*?[{~";

    private ReadmeAcls() {}

    /** Each command's arguments as README writes them, {@code $ADMIN} included. */
    public static List<List<String>> commands() {
        try {
            return commands(Files.readAllLines(README));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each command's arguments, as a shell would pass them to {@code kafka-acls.sh}, with {@value #ADMIN}
     * for the administrator's connection.
     *
     * @throws IllegalStateException naming the line, for any line between the markers that is not a
     *     kafka-acls.sh command, a comment, a blank, a fence or prose outside the fences
     */
    static List<List<String>> commands(List<String> lines) {
        int begin = indexOfLineStartingWith(lines, BEGIN, 0);
        int end = indexOfLineStartingWith(lines, END, begin);
        List<List<String>> commands = new ArrayList<>();
        int fence = -1;
        for (int i = begin + 1; i < end; i++) {
            String line = lines.get(i).trim();
            if (fence < 0 && line.startsWith(FENCE)) {
                if (!SHELLS.contains(line.substring(FENCE.length()))) {
                    throw refused(i, "a block that is not sh (```sh)", lines.get(i));
                }
                fence = i;
            } else if (fence >= 0 && line.equals(FENCE)) {
                commands.addAll(shell(lines.subList(fence + 1, i), fence + 1));
                fence = -1;
            } else if (fence < 0 && line.startsWith(COMMAND)) {
                throw refused(i, "a " + COMMAND + " command outside a ```sh block", lines.get(i));
            }
        }
        if (fence >= 0) {
            throw refused(fence, "a block not closed before " + END, lines.get(fence));
        }
        if (commands.isEmpty()) {
            throw new IllegalStateException("No " + COMMAND + " lines in " + README + " between its acls markers");
        }
        return commands;
    }

    /** The commands of a ```sh block whose first line has index {@code first} in README. */
    private static List<List<String>> shell(List<String> block, int first) {
        String text = String.join("\n", block);
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int line = first;
        int commandLine = first;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 == text.length()) {
                    throw refused(line, "a backslash ending the block", block.get(line - first));
                }
                char next = text.charAt(++i);
                if (next == '\n') {
                    line++; // a continuation: the command goes on on the next line
                } else {
                    word.append(next);
                    inWord = true;
                }
            } else if (c == '\'') {
                int close = text.indexOf('\'', i + 1);
                if (close < 0) {
                    throw refused(line, "a single quote never closed", block.get(line - first));
                }
                String quoted = text.substring(i + 1, close);
                line += newlines(quoted);
                word.append(quoted);
                inWord = true;
                i = close;
            } else if (c == '"') {
                int start = line;
                for (i++; ; i++) {
                    if (i == text.length()) {
                        throw refused(start, "a double quote never closed", block.get(start - first));
                    }
                    char q = text.charAt(i);
                    if (q == '"') {
                        break;
                    } else if (q == '$' || q == '`') {
                        throw refused(line, "an expansion (" + q + ") in double quotes", block.get(line - first));
                    } else if (q == '\\' && i + 1 < text.length() && "$`\"\\\n".indexOf(text.charAt(i + 1)) >= 0) {
                        char escaped = text.charAt(++i);
                        if (escaped == '\n') {
                            line++;
                        } else {
                            word.append(escaped);
                        }
                    } else {
                        if (q == '\n') {
                            line++;
                        }
                        word.append(q);
                    }
                }
                inWord = true;
            } else if (c == '#' && !inWord) {
                while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                if (c == '\n') {
                    if (!words.isEmpty()) {
                        commands.add(command(words, commandLine, block.get(commandLine - first)));
                        words = new ArrayList<>();
                    }
                    line++;
                    commandLine = line;
                }
            } else if (c == '$') {
                if (inWord || !text.startsWith(ADMIN, i) || !endsWord(text, i + ADMIN.length())) {
                    throw refused(line, "an expansion other than a word $ADMIN", block.get(line - first));
                }
                words.add(null); // the administrator's connection, kept apart from a quoted '$ADMIN'
                i += ADMIN.length() - 1;
            } else if (OPERATORS.indexOf(c) >= 0) {
                throw refused(line, "a shell operator (" + c + ")", block.get(line - first));
            } else if (EXPANDED.indexOf(c) >= 0) {
                throw refused(line, "an unquoted " + c + ", which a shell may expand", block.get(line - first));
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (!words.isEmpty()) {
            commands.add(command(words, commandLine, block.get(commandLine - first)));
        }
        return commands;
    }

    /** The arguments of a kafka-acls.sh command reaching the broker through $ADMIN once; else refused. */
    private static List<String> command(List<String> words, int line, String text) {
        if (!COMMAND.equals(words.get(0))) {
            throw refused(line, "not a " + COMMAND + " command", text);
        }
        if (words.stream().filter(Objects::isNull).count() != 1) {
            throw refused(line, "a " + COMMAND + " command without the one word $ADMIN", text);
        }
        if (words.contains(ADMIN)) {
            throw refused(line, "a quoted '$ADMIN', which a shell passes as it is", text);
        }
        List<String> args = words.subList(1, words.size()).stream()
                .map(word -> word == null ? ADMIN : word)
                .toList();
        try {
            kafkaAcls(
                    withAdmin(args, "localhost:9092", Path.of("admin.properties")), AclCommand.AclCommandOptions::new);
        } catch (KafkaAclsExit e) {
            throw refused(line, COMMAND + " arguments it does not take (" + e.reason() + ")", text);
        }
        return args;
    }

    private static boolean endsWord(String text, int at) {
        return at == text.length() || " \t\n".indexOf(text.charAt(at)) >= 0;
    }

    private static int newlines(String text) {
        return (int) text.chars().filter(c -> c == '\n').count();
    }

    private static IllegalStateException refused(int index, String what, String line) {
        return new IllegalStateException(
                README + " line " + (index + 1) + " (between the acls markers): " + what + ", refused: " + line.trim());
    }

    /**
     * Runs every command against {@code bootstrapServers} as the administrator whose client settings
     * are in {@code adminConfig} ({@code --command-config}).
     */
    public static void grant(String bootstrapServers, Path adminConfig) {
        for (List<String> command : commands()) {
            run(List.of(withAdmin(command, bootstrapServers, adminConfig)));
        }
    }

    /** The arguments with {@value #ADMIN} standing for how to reach the broker as its administrator. */
    private static String[] withAdmin(List<String> command, String bootstrapServers, Path adminConfig) {
        List<String> args = new ArrayList<>();
        for (String word : command) {
            if (word.equals(ADMIN)) {
                args.addAll(
                        List.of("--bootstrap-server", bootstrapServers, "--command-config", adminConfig.toString()));
            } else {
                args.add(word);
            }
        }
        return args.toArray(String[]::new);
    }

    /** kafka-acls prints what it added and exits the JVM on failure: its output is kept, its exit thrown. */
    private static void run(List<String> args) {
        kafkaAcls(args.toArray(String[]::new), AclCommand::main);
    }

    /** Calls kafka-acls code with its output captured and its exit thrown as a {@link KafkaAclsExit}. */
    private static void kafkaAcls(String[] args, Consumer<String[]> call) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        Exit.setExitProcedure((status, message) -> {
            throw new KafkaAclsExit(args, status, output.toString(StandardCharsets.UTF_8));
        });
        PrintStream captured = new PrintStream(output, true, StandardCharsets.UTF_8);
        System.setOut(captured);
        System.setErr(captured);
        try {
            call.accept(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            Exit.resetExitProcedure();
        }
    }

    /** kafka-acls exiting: with its arguments, status and all it printed. */
    private static final class KafkaAclsExit extends IllegalStateException {

        private final String output;

        KafkaAclsExit(String[] args, int status, String output) {
            super("kafka-acls " + String.join(" ", args) + " exited with " + status + ":\n" + output);
            this.output = output;
        }

        /** What it said first: the reason, before its usage. */
        String reason() {
            return output.strip().lines().findFirst().orElse("no reason given");
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
