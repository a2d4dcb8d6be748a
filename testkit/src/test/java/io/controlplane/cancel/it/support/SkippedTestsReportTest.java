package io.controlplane.cancel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SkippedTestsReportTest {

    @Test
    void namesEachSkippedTestWithItsReasonAndNothingElse() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        run(Sample.class, new SkippedTestsReport(new PrintStream(printed, true, StandardCharsets.UTF_8)));

        assertThat(printed.toString(StandardCharsets.UTF_8).lines())
                .containsExactlyInAnyOrder(
                        "Skipped, and why:",
                        "  SkippedTestsReportTest$Sample.needsATool: frobnicate is not installed; skipped outside CI",
                        "  SkippedTestsReportTest$Sample.disabled: not today");
    }

    @Test
    void printsNothingWhenNothingWasSkipped() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        run(Passing.class, new SkippedTestsReport(new PrintStream(printed, true, StandardCharsets.UTF_8)));

        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    /** Only the report under test listens: the one registered through META-INF/services would print too. */
    private static void run(Class<?> tests, SkippedTestsReport report) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(tests))
                .build();
        LauncherFactory.create(LauncherConfig.builder()
                        .enableTestExecutionListenerAutoRegistration(false)
                        .build())
                .execute(request, report);
    }

    /** Run only by the launcher above: surefire leaves nested classes alone. */
    static class Sample {

        @Test
        void runs() {}

        @Test
        void needsATool() {
            ContinuousIntegration.requireTool(null, false, "frobnicate is not installed");
        }

        @Test
        @Disabled("not today")
        void disabled() {}
    }

    static class Passing {

        @Test
        void runs() {}
    }
}
