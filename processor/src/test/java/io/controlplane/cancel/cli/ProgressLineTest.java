package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private final StringWriter printed = new StringWriter();

    @Test
    void onATerminalTheLineIsRewrittenInPlaceOverTheLongerOneBefore() {
        ProgressLine line = new ProgressLine(new PrintWriter(printed), true);
        line.show("bulk b: 0/3 done, scanned 100");
        line.show("bulk b: 0/3 done, scanned 100");
        line.show("bulk b: 3/3 done, scanned 9");
        line.end();

        assertThat(printed.toString())
                .isEqualTo(
                        "\rbulk b: 0/3 done, scanned 100" + "\rbulk b: 3/3 done, scanned 9  " + System.lineSeparator());
    }

    @Test
    void elsewhereEachChangeIsALineOfItsOwn() {
        ProgressLine line = new ProgressLine(new PrintWriter(printed), false);
        line.show("bulk b: 0/3 done");
        line.show("bulk b: 0/3 done");
        line.show("bulk b: 3/3 done");
        line.end();

        assertThat(printed.toString().lines()).containsExactly("bulk b: 0/3 done", "bulk b: 3/3 done");
        assertThat(printed.toString()).doesNotContain("\r");
    }

    @Test
    void nothingShownEndsNoLine() {
        new ProgressLine(new PrintWriter(printed), true).end();
        assertThat(printed.toString()).isEmpty();
    }
}
