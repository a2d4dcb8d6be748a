package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.client.CancelClientException;
import io.controlplane.cancel.client.CancelOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallOutcomesTest {

    @Test
    void eachStageEndIsCountedByItsKind() {
        CallOutcomes outcomes = new CallOutcomes();

        outcomes.ended(new CancelOutcome.Cancelled("a", null), null);
        outcomes.ended(new CancelOutcome.Cancelled("b", null), null);
        outcomes.ended(new CancelOutcome.Rejected("c", "UNAUTHORIZED", "no", null), null);
        outcomes.ended(new CancelOutcome.TimedOut("d", Duration.ofSeconds(30)), null);
        outcomes.ended(null, new CancelClientException("too many calls waiting"));

        assertThat(outcomes.counts())
                .isEqualTo(new CallOutcomes.Counts(
                        2, 0, 1, 1, 1, CancelClientException.class.getName() + ": too many calls waiting"));
        assertThat(outcomes.counts().ended()).isEqualTo(5);
    }
}
