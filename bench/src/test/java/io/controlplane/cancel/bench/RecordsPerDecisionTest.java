package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.config.CancelTopic;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordsPerDecisionTest {

    @Test
    void aCostIsTheRecordsOfEveryTopicWrittenPerInputWithTheTopicsThatGotAny() {
        Map<String, Long> written = new LinkedHashMap<>();
        written.put("bench-records-cancel-decided-commands-changelog", 1_000L);
        written.put("bench-records-cancel-waiting-commands-changelog", 0L);
        written.put("bench-records.controlplane.execution.cancel.rejections", 1_000L);

        RecordsPerDecision.Cost cost = new RecordsPerDecision.Cost("rejection", "commands", 1_000, written);

        assertThat(cost.perInput()).isEqualTo(2.0);
        assertThat(cost.text())
                .isEqualTo("2.00 = cancel-decided-commands-changelog 1.00"
                        + " + controlplane.execution.cancel.rejections 1.00 (1,000 commands, 2,000 records)");
    }

    @Test
    void nothingWrittenIsZero() {
        RecordsPerDecision.Cost cost = new RecordsPerDecision.Cost("duplicate", "commands", 1_000, Map.of("t", 0L));

        assertThat(cost.text()).isEqualTo("0.00 (1,000 commands, 0 records)");
    }

    @Test
    void everyDeclaredTopicIsGivenANameUnderThePrefix() {
        Map<String, Object> own = RecordsPerDecision.ownTopics(Map.of("application.id", "x"), "bench-records");

        for (CancelTopic<?> topic : CancelTopic.ALL) {
            assertThat(own.get(topic.configKey())).isEqualTo("bench-records." + topic.defaultName());
        }
        assertThat(own).containsEntry("application.id", "x");
    }
}
