package io.controlplane.cancel.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** README's Java example is the code ClientExampleIT runs, not a copy that can drift from it. */
class ReadmeShowsTheClientExampleTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path EXAMPLE =
            Path.of("src", "test", "java", "io", "controlplane", "cancel", "example", "CancelFromYourService.java");

    @Test
    void readmeShowsTheExampleBetweenItsMarkersAsWritten() throws IOException {
        List<String> lines = Files.readAllLines(EXAMPLE);
        int begin = lines.indexOf("    // README example begins");
        int end = lines.indexOf("    // README example ends");
        assertThat(begin).as("the begin marker").isNotNegative();
        assertThat(end).as("the end marker").isGreaterThan(begin + 1);
        String shown = lines.subList(begin + 1, end).stream()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n", "", "\n"));

        assertThat(Files.readString(README)).contains("```java\n" + shown + "```\n");
    }
}
