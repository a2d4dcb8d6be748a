package io.controlplane.cancel.cli;

import java.io.PrintWriter;

/**
 * A line that changes as work goes on: on a terminal rewritten in place ({@code \r}, padded over
 * the longer line it replaces), otherwise (a file, a pipe, a CI log) printed again, one line per
 * change, so that a log keeps every step without carriage returns in it.
 */
final class ProgressLine {

    private final PrintWriter out;
    private final boolean terminal;
    private String shown;

    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Shows {@code line} unless it is what is shown already. */
    void show(String line) {
        if (line.equals(shown)) {
            return;
        }
        if (terminal) {
            int erase = shown == null ? 0 : Math.max(0, shown.length() - line.length());
            out.print("\r" + line + " ".repeat(erase));
        } else {
            out.println(line);
        }
        out.flush();
        shown = line;
    }

    /** Ends the line being rewritten, so that what is printed next starts on a line of its own. */
    void end() {
        if (terminal && shown != null) {
            out.println();
            out.flush();
        }
        shown = null;
    }
}
