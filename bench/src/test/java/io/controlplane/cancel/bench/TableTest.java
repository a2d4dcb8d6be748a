package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableTest {

    @TempDir
    Path directory;

    @Test
    void writesOneTsvLinePerMeasureUnscaledSoThatDocsCanBeRegenerated() throws IOException {
        Table table = new Table(new PrintStream(OutputStream.nullOutputStream()));
        table.add("1 ceiling", "pipe, plain", 93_612.4, "");
        table.add("2 processor", "whole job", 17_546, "0.17×", new Table.Measure("ratio to the pipe", 0.1874, "×"));
        table.addText("4 memory", "whole job", "peak heap n/a", new Table.Measure("peak heap", Double.NaN, "bytes"));
        table.addText("5 restore", "fresh instance", "4.9 s", new Table.Measure("time", 4.9, "s"));
        Path file = directory.resolve("sub/results.tsv");

        table.writeTsv(file);

        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "section\tfigure\tmeasure\tvalue\tunit",
                        "1 ceiling\tpipe, plain\tthroughput\t93612.400\trecords/s",
                        "2 processor\twhole job\tthroughput\t17546\trecords/s",
                        "2 processor\twhole job\tratio to the pipe\t0.187\t×",
                        "4 memory\twhole job\tpeak heap\tNaN\tbytes",
                        "5 restore\tfresh instance\ttime\t4.900\ts");
    }
}
