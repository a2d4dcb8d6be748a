package io.controlplane.cancel.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicLayoutTest {

    private static final CancelProcessorConfig CONFIG =
            new CancelProcessorConfig(Map.of(CancelTopic.DLQ.configKey(), "my.dlq"));

    @Test
    void everyDeclaredTopicIsCreatedUnderItsConfiguredNameWithItsDeclaredConfigs() {
        List<NewTopic> topics = TopicLayout.topics(CONFIG, 6);
        assertThat(topics).hasSameSizeAs(CancelTopic.ALL);
        for (int i = 0; i < topics.size(); i++) {
            CancelTopic<?> declared = CancelTopic.ALL.get(i);
            assertThat(topics.get(i).name()).isEqualTo(declared.name(CONFIG));
            assertThat(topics.get(i).configs()).isEqualTo(CONFIG.topicConfigs(declared));
        }
        assertThat(TopicLayout.names(CONFIG))
                .contains("my.dlq")
                .containsExactlyElementsOf(topics.stream().map(NewTopic::name).toList());
    }

    @Test
    void allTopicsHaveOnePartitionCountSoThatTheCoPartitionedOnesMatch() {
        assertThat(TopicLayout.topics(CONFIG, 6))
                .extracting(NewTopic::numPartitions)
                .containsOnly(6);
    }

    @Test
    void theReplicationFactorIsTheBrokersDefaultUnlessGiven() {
        assertThat(TopicLayout.topics(CONFIG, 6))
                .extracting(NewTopic::replicationFactor)
                .containsOnly((short) -1);
        assertThat(TopicLayout.topics(CONFIG, 6, Optional.of((short) 3)))
                .extracting(NewTopic::replicationFactor)
                .containsOnly((short) 3);
    }
}
