package io.controlplane.cancel.it.support;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, when a test run ends, each test that was skipped and why: Maven's summary counts skipped
 * tests but names none, and a test skipped outside CI for a missing tool should not pass unnoticed.
 * Surefire and failsafe load it through META-INF/services; it prints nothing when nothing was skipped.
 */
public final class SkippedTestsReport implements TestExecutionListener {

    private final PrintStream out;
    private final List<String> skipped = new ArrayList<>();

    public SkippedTestsReport() {
        this(System.out);
    }

    SkippedTestsReport(PrintStream out) {
        this.out = out;
    }

    /** {@code @Disabled} and execution conditions. */
    @Override
    public synchronized void executionSkipped(TestIdentifier test, String reason) {
        skipped.add(name(test) + ": " + reason);
    }

    /** Failed assumptions, {@link ContinuousIntegration#requireTool} outside CI among them. */
    @Override
    public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            skipped.add(name(test) + ": "
                    + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan plan) {
        if (!skipped.isEmpty()) {
            out.println("Skipped, and why:");
            skipped.forEach(line -> out.println("  " + line));
            skipped.clear();
        }
    }

    private static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource method) {
            return simpleName(method.getClassName()) + "." + method.getMethodName();
        }
        if (source instanceof ClassSource type) {
            return simpleName(type.getClassName());
        }
        return test.getDisplayName();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
