package io.controlplane.cancel.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The figures in the order they were measured, printed as each comes and then together. */
final class Table {

    private record Row(String section, String figure, String value) {}

    private final List<Row> rows = new ArrayList<>();

    void add(String section, String figure, double recordsPerSecond, String note) {
        addText(section, figure, String.format("%,10.0f records/s  %s", recordsPerSecond, note));
    }

    synchronized void addText(String section, String figure, String value) {
        Row row = new Row(section, figure, value);
        rows.add(row);
        System.out.println(format(row));
    }

    synchronized void print(PrintStream out) {
        out.println();
        out.println("==== results ====");
        rows.forEach(row -> out.println(format(row)));
    }

    private static String format(Row row) {
        return String.format("%-12s %-90s %s", row.section(), row.figure(), row.value());
    }
}
