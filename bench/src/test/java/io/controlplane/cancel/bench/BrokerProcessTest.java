package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerProcessTest {

    @TempDir
    Path logDir;

    @Test
    void countsTheSegmentsOfTheChosenTopicsPartitionsAndNotTheirPreallocatedIndexes() throws IOException {
        write("app-cancel-run-states-changelog-0/00000000000000000000.log", 100);
        write("app-cancel-run-states-changelog-0/00000000000000000000.index", 10_485_760);
        write("app-cancel-run-states-changelog-2/00000000000000000000.log", 30);
        write("app-cancel-run-states-changelog-2/00000000000000001000.log", 7);
        write("app-commands-by-execution-repartition-1/00000000000000000000.log", 1_000);
        write("other-changelog-0/00000000000000000000.log", 1_000);
        write("__cluster_metadata-0/00000000000000000000.log", 1_000);
        write("meta.properties", 1_000);

        long changelogs =
                BrokerProcess.logBytes(logDir, topic -> topic.startsWith("app-") && topic.endsWith("-changelog"));

        assertThat(changelogs).isEqualTo(137);
    }

    @Test
    void aLogDirThatIsNotThereIsUnknown() {
        assertThat(BrokerProcess.logBytes(logDir.resolve("missing"), topic -> true))
                .isEqualTo(-1);
    }

    private void write(String file, int bytes) throws IOException {
        Path path = logDir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.write(path, new byte[bytes]);
    }
}
