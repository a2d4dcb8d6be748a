package io.controlplane.cancel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** README's ACL block read as a shell reads it, and what is not a kafka-acls.sh command refused. */
class ReadmeAclsTest {

    @Test
    void readmesBlockIsItsKafkaAclsCommandsEachReachingTheBrokerThroughAdmin() {
        List<List<String>> commands = ReadmeAcls.commands();
        assertThat(commands)
                .hasSize(19)
                .allSatisfy(args -> assertThat(args)
                        .startsWith(ReadmeAcls.ADMIN, "--add", "--allow-principal")
                        .containsOnlyOnce(ReadmeAcls.ADMIN));
        assertThat(commands.get(0))
                .containsExactly(
                        "$ADMIN",
                        "--add",
                        "--allow-principal",
                        "User:cancel-processor",
                        "--operation",
                        "Read",
                        "--topic",
                        "controlplane.execution.cancel.commands");
    }

    @Test
    void quotesEscapesContinuationsAndCommentsAreReadAsAShellReadsThem() {
        List<List<String>> commands = ReadmeAcls.commands(block(
                "# a comment, then a blank line",
                "",
                "kafka-acls.sh $ADMIN --add --allow-principal 'User:CN=cancel processor,O=example' \\",
                "    --operation Read --topic \"controlplane.\\\"odd\\\" topic\"   # the rest is a comment",
                "kafka-acls.sh $ADMIN --add --allow-principal 'User:don'\\''t' --operation Write \\",
                "  --topic a#b --topic 'x",
                "y' --topic \"a\\b\""));
        assertThat(commands)
                .containsExactly(
                        List.of(
                                "$ADMIN",
                                "--add",
                                "--allow-principal",
                                "User:CN=cancel processor,O=example",
                                "--operation",
                                "Read",
                                "--topic",
                                "controlplane.\"odd\" topic"),
                        List.of(
                                "$ADMIN",
                                "--add",
                                "--allow-principal",
                                "User:don't",
                                "--operation",
                                "Write",
                                "--topic",
                                "a#b",
                                "--topic",
                                "x\ny",
                                "--topic",
                                "a\\b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedBlocks")
    void aLineThatIsNotAKafkaAclsCommandIsRefused(String what, List<String> readme, String reason) {
        assertThatThrownBy(() -> ReadmeAcls.commands(readme))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(reason);
    }

    static Stream<Arguments> refusedBlocks() {
        String ok = "kafka-acls.sh $ADMIN --add --allow-principal User:a --operation Read --topic t";
        return Stream.of(
                Arguments.of(
                        "another command",
                        block(ok, "echo hello"),
                        "README.md line 5 (between the acls markers): not a kafka-acls.sh command, refused: echo hello"),
                Arguments.of("a mistyped command", block("kafka-acl.sh $ADMIN --list"), "not a kafka-acls.sh command"),
                Arguments.of("a variable set", block("ADMIN=\"--bootstrap-server b:9092\"", ok), "not a kafka-acls.sh"),
                Arguments.of(
                        "an option kafka-acls does not take",
                        block("kafka-acls.sh $ADMIN --add --allow-principal User:a --opertion Read --topic t"),
                        "kafka-acls.sh arguments it does not take (opertion"),
                Arguments.of("no $ADMIN", block("kafka-acls.sh --add --topic t"), "without the one word $ADMIN"),
                Arguments.of("a quoted $ADMIN", block("kafka-acls.sh \"$ADMIN\" --add"), "an expansion ($)"),
                Arguments.of(
                        "a single-quoted $ADMIN", block("kafka-acls.sh $ADMIN '$ADMIN' --add"), "a quoted '$ADMIN'"),
                Arguments.of("another variable", block("kafka-acls.sh $ADMIN --topic $TOPIC"), "an expansion other"),
                Arguments.of("a pipe", block(ok + " | tee acls.log"), "a shell operator (|)"),
                Arguments.of("two commands on a line", block(ok + "; " + ok), "a shell operator (;)"),
                Arguments.of("a glob", block("kafka-acls.sh $ADMIN --add --topic *"), "an unquoted *"),
                Arguments.of("an open quote", block("kafka-acls.sh $ADMIN --add --topic 'x"), "never closed"),
                Arguments.of("a trailing backslash", block("kafka-acls.sh $ADMIN --add \\"), "a backslash ending"),
                Arguments.of(
                        "a block in another language",
                        List.of(
                                "<!-- acls:begin -->",
                                "```bash",
                                ok,
                                "```",
                                "```properties",
                                "a=b",
                                "```",
                                "<!-- acls:end -->"),
                        "line 5 (between the acls markers): a block that is not sh"),
                Arguments.of(
                        "a command outside a block",
                        List.of("<!-- acls:begin -->", ok, "<!-- acls:end -->"),
                        "a kafka-acls.sh command outside a ```sh block"),
                Arguments.of(
                        "an unclosed block",
                        List.of("<!-- acls:begin -->", "```sh", ok, "<!-- acls:end -->"),
                        "a block not closed"));
    }

    /** A README whose acls markers hold one ```sh block of these lines; the first is README's line 4. */
    private static List<String> block(String... lines) {
        List<String> readme = new ArrayList<>(List.of("# README", "<!-- acls:begin (a test) -->", "```sh"));
        readme.addAll(List.of(lines));
        readme.addAll(List.of("```", "<!-- acls:end -->", "after"));
        return readme;
    }
}
