package io.controlplane.cancel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures in the order they were measured, printed as each comes and then together; and the
 * numbers behind them as a TSV file, so that docs can be regenerated from a run.
 */
final class Table {

    /** One number of a figure, for the machine-readable copy (bytes, seconds, ms or records/s: no scaling). */
    record Measure(String name, double value, String unit) {}

    private record Row(String section, String figure, String text, List<Measure> measures) {}

    private final List<Row> rows = new ArrayList<>();
    private final PrintStream progress;

    /** @param progress where each figure is printed as it comes (stdout in a run; nowhere in a unit test) */
    Table(PrintStream progress) {
        this.progress = progress;
    }

    void add(String section, String figure, double recordsPerSecond, String note, Measure... more) {
        List<Measure> measures = new ArrayList<>();
        measures.add(new Measure("throughput", recordsPerSecond, "records/s"));
        measures.addAll(List.of(more));
        addText(
                section,
                figure,
                String.format("%,10.0f records/s  %s", recordsPerSecond, note),
                measures.toArray(Measure[]::new));
    }

    synchronized void addText(String section, String figure, String text, Measure... measures) {
        Row row = new Row(section, figure, text, List.of(measures));
        rows.add(row);
        progress.println(format(row));
    }

    synchronized void print(PrintStream out) {
        out.println();
        out.println("==== results ====");
        rows.forEach(row -> out.println(format(row)));
    }

    /** One line per number: section, figure, measure, value, unit, with a header line. */
    synchronized void writeTsv(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("section\tfigure\tmeasure\tvalue\tunit\n");
            for (Row row : rows) {
                for (Measure measure : row.measures()) {
                    out.write(String.join(
                                    "\t",
                                    row.section(),
                                    row.figure(),
                                    measure.name(),
                                    number(measure.value()),
                                    measure.unit())
                            + "\n");
                }
            }
        }
    }

    private static String number(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value)) {
            return String.valueOf((long) value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String format(Row row) {
        return String.format("%-12s %-90s %s", row.section(), row.figure(), row.text());
    }
}
