package io.controlplane.cancel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ContinuousIntegrationTest {

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "1", "yes", "YES", "on", "woodpecker"})
    void anyOtherValueMeansCi(String ci) {
        assertThat(ContinuousIntegration.detected(ci)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "false", "FALSE", "False", "0", "no", "NO", " no "})
    void unsetEmptyFalseZeroOrNoMeansNotCi(String ci) {
        assertThat(ContinuousIntegration.detected(ci)).isFalse();
    }

    @Test
    void aMissingToolFailsTheTestUnderCi() {
        assertThatThrownBy(() -> ContinuousIntegration.requireTool("TRUE", false, "frobnicate is not installed"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("frobnicate is not installed");
    }

    @Test
    void aMissingToolSkipsTheTestOutsideCi() {
        assertThatThrownBy(() -> ContinuousIntegration.requireTool(null, false, "frobnicate is not installed"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("frobnicate is not installed");
    }

    @Test
    void anInstalledToolLetsTheTestRunUnderCi() {
        assertThatCode(() -> ContinuousIntegration.requireTool("1", true, "frobnicate is not installed"))
                .doesNotThrowAnyException();
    }
}
