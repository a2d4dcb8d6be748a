package io.controlplane.cancel.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether the build runs under CI, where a test whose tool is missing must fail: a skipped test
 * there would leave a green build that never checked what the test is for.
 */
public final class ContinuousIntegration {

    /** CI services set {@code CI} to true, TRUE, 1 or their own name: only these values say "not CI". */
    private static final Set<String> NOT_CI = Set.of("false", "0", "no");

    private ContinuousIntegration() {}

    /** Whether {@code CI} (the environment variable's value, or null) says this is a CI build. */
    static boolean detected(String ci) {
        return ci != null && !ci.isBlank() && !NOT_CI.contains(ci.strip().toLowerCase(Locale.ROOT));
    }

    /** Fails the test under CI when its tool is not installed; elsewhere skips it, saying why. */
    public static void requireTool(boolean installed, String missing) {
        requireTool(System.getenv("CI"), installed, missing);
    }

    static void requireTool(String ci, boolean installed, String missing) {
        if (installed) {
            return;
        }
        if (detected(ci)) {
            fail(missing + " (CI=" + ci + ": a missing tool fails the build there)");
        }
        Assumptions.abort(missing + "; skipped outside CI");
    }
}
