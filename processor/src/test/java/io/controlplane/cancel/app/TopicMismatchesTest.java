package io.controlplane.cancel.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.app.TopicMismatches.ExistingTopic;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicMismatchesTest {

    private static final CancelProcessorConfig CONFIG = new CancelProcessorConfig(Map.of());
    private static final String COMMANDS = CancelTopic.COMMANDS.defaultName();
    private static final String RUN_STATES = CancelTopic.RUN_STATES.defaultName();
    private static final String DLQ = CancelTopic.DLQ.defaultName();

    /** Every declared topic as create-topics would create it with 6 partitions. */
    private static Map<String, ExistingTopic> asDeclared() {
        Map<String, ExistingTopic> existing = new HashMap<>();
        for (CancelTopic<?> topic : CancelTopic.ALL) {
            existing.put(topic.name(CONFIG), new ExistingTopic(6, new HashMap<>(CONFIG.topicConfigs(topic))));
        }
        return existing;
    }

    @Test
    void topicsAsDeclaredHaveNoMismatch() {
        assertThat(TopicMismatches.of(CONFIG, 6, asDeclared())).isEmpty();
        assertThat(TopicMismatches.of(CONFIG, 6, Map.of()))
                .as("all just created")
                .isEmpty();
    }

    @Test
    void aPartitionCountOtherThanAskedForIsOneLine() {
        Map<String, ExistingTopic> existing = asDeclared();
        existing.put(DLQ, new ExistingTopic(3, existing.get(DLQ).configs()));
        assertThat(TopicMismatches.of(CONFIG, 6, existing))
                .containsExactly("Topic " + DLQ + " has 3 partitions, not 6");
    }

    @Test
    void aCleanupPolicyOtherThanDeclaredIsOneLine() {
        Map<String, ExistingTopic> existing = asDeclared();
        existing.get(RUN_STATES).configs().put("cleanup.policy", "compact,delete");
        existing.get(COMMANDS).configs().put("cleanup.policy", "compact");
        assertThat(TopicMismatches.of(CONFIG, 6, existing))
                .containsExactlyInAnyOrder(
                        "Topic " + RUN_STATES + " has cleanup.policy=compact,delete, not compact",
                        "Topic " + COMMANDS + " has cleanup.policy=compact, not delete");
    }

    @Test
    void aDeadLetterTopicSmallerThanTheProducersLargestRequestIsOneLine() {
        Map<String, ExistingTopic> existing = asDeclared();
        existing.get(DLQ).configs().put("max.message.bytes", "1048588");
        assertThat(TopicMismatches.of(CONFIG, 6, existing))
                .containsExactly("Topic " + DLQ
                        + " has max.message.bytes=1048588, less than the producer's max.request.size=2097152, "
                        + "so a dead letter of the largest input would be refused");

        existing.get(DLQ).configs().put("max.message.bytes", "8388608");
        assertThat(TopicMismatches.of(CONFIG, 6, existing)).as("larger is fine").isEmpty();
    }

    @Test
    void runStatesWithAnotherPartitionCountThanTheCommandsIsOneLineMore() {
        Map<String, ExistingTopic> existing = new HashMap<>();
        existing.put(RUN_STATES, new ExistingTopic(3, Map.of("cleanup.policy", "compact")));
        assertThat(TopicMismatches.of(CONFIG, 6, existing))
                .containsExactly(
                        "Topic " + RUN_STATES + " has 3 partitions, not 6",
                        "Topics " + COMMANDS + " (6 partitions) and " + RUN_STATES
                                + " (3 partitions) must have the same "
                                + "partition count, or commands miss their run's state");
    }

    @Test
    void grantsNeedNotBeCoPartitioned() {
        Map<String, ExistingTopic> existing = new HashMap<>();
        existing.put(CancelTopic.OPERATORS.defaultName(), new ExistingTopic(1, Map.of("cleanup.policy", "compact")));
        assertThat(TopicMismatches.of(CONFIG, 6, existing))
                .containsExactly("Topic " + CancelTopic.OPERATORS.defaultName() + " has 1 partitions, not 6");
    }
}
