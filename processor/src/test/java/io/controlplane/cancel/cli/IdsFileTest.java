package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdsFileTest {

    @Test
    void oneIdPerLineBlankLinesAndCommentsSkipped() {
        assertThat(IdsFile.parse(List.of(
                        "# runs stuck since the incident",
                        "run-1",
                        "",
                        "   ",
                        "  run-2\t",
                        "   # an indented comment",
                        "run-3\r",
                        "run#4")))
                .containsExactly("run-1", "run-2", "run-3", "run#4");
    }

    @Test
    void anIdListedTwiceCountsOnce() {
        assertThat(IdsFile.parse(List.of("run-2", "run-1", "run-2", " run-1 "))).containsExactly("run-2", "run-1");
    }

    @Test
    void anEmptyFileListsNothing() {
        assertThat(IdsFile.parse(List.of())).isEmpty();
        assertThat(IdsFile.parse(List.of("# nothing yet", ""))).isEmpty();
    }

    @Test
    void readsAFileOfCrlfLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ids.txt");
        Files.writeString(file, "run-a\r\n# comment\r\n\r\nrun-b\r\n", StandardCharsets.UTF_8);
        assertThat(IdsFile.read(file)).containsExactly("run-a", "run-b");
    }

    @Test
    void aFileThatCannotBeReadIsOneLine(@TempDir Path dir) {
        assertThatThrownBy(() -> IdsFile.read(dir.resolve("missing.txt")))
                .isInstanceOf(OperatorException.class)
                .hasMessageStartingWith("Cannot read the ids file ")
                .hasMessageContaining("missing.txt");
    }
}
