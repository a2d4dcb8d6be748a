package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbRatiosTest {

    @TempDir
    Path directory;

    @Test
    void eachSettingsTimePerOperationIsSetAgainstTheDefaultsTimedInTheSamePairs() throws IOException {
        Path stores = Files.createDirectories(directory.resolve("rocksdb-bench"));
        // settings, operation, pairs, ns on the defaults, ns on the setting, pairs left out
        Files.writeString(stores.resolve(RocksDbBenchmark.PAIRS_FILE), """
                bottomLevelFilters\tgetMissing\t1000\t10000000\t5000000\t0
                bottomLevelFilters\tgetMissing\t3000\t30000000\t16500000\t4
                bottomLevelFilters\tput\t1000\t3000000\t3000000\t0
                """);

        String printed = print(stores);

        // 40 ms -> 21.5 ms over 4,000 pairs; iterations at 0.50 and 0.55; 4 of 4,004 pairs left out
        assertThat(printed).contains("bottomLevelFilters").contains("10,000-> 5,375  0.54 (0.50-0.55)  0.1%");
        assertThat(printed).contains(" 3,000-> 3,000  1.00 (1.00-1.00)  0.0%");
        assertThat(printed).doesNotContain("loading the stores");
    }

    @Test
    void theWriteSideFiguresArePrintedAndKeptBesideTheJmhResults() throws IOException {
        Path stores = Files.createDirectories(directory.resolve("rocksdb-bench"));
        Files.writeString(
                stores.resolve(RocksDbBenchmark.FOOTPRINT_FILE),
                RocksDbBenchmark.FOOTPRINT_HEADER
                        + "lz4BottomLevel\t1000000\t305\t2.9\t7.2\t20.0\tL5:2 L6:3\t285.8\t1.93\t2.45\tL6:4\t257.0\n");

        String printed = print(stores);

        assertThat(printed).contains("lz4BottomLevel|1000000|305|");
        assertThat(directory.resolve("rocksdb-footprint.tsv")).exists();
    }

    private static String print(Path stores) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RocksDbRatios.print(stores, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
