package io.controlplane.cancel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.config.CancelTopic.Direction;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class CancelTopicTest {

    private static final CancelProcessorConfig DEFAULTS = new CancelProcessorConfig(Map.of());

    @Test
    void everyDeclaredTopicIsASettingWhoseDefaultIsItsDefaultName() {
        Map<String, ConfigDef.ConfigKey> keys =
                CancelProcessorConfig.definition().configKeys();
        for (CancelTopic<?> topic : CancelTopic.ALL) {
            assertThat(keys.get(topic.configKey()))
                    .as(topic.configKey())
                    .isNotNull()
                    .satisfies(key -> {
                        assertThat(key.type).isEqualTo(ConfigDef.Type.STRING);
                        assertThat(key.defaultValue).isEqualTo(topic.defaultName());
                        assertThat(key.documentation).isEqualTo(topic.description());
                    });
            assertThat(topic.name(DEFAULTS)).isEqualTo(topic.defaultName());
        }
        assertThat(keys.keySet().stream().filter(key -> key.startsWith("cancel.topic.")))
                .as("no topic setting but the declared ones")
                .containsExactlyInAnyOrderElementsOf(
                        CancelTopic.ALL.stream().map(CancelTopic::configKey).toList());
    }

    @Test
    void aTopicIsNamedByItsSetting() {
        CancelProcessorConfig config = new CancelProcessorConfig(Map.of(CancelTopic.RUN_STATES.configKey(), "runs"));
        assertThat(CancelTopic.RUN_STATES.name(config)).isEqualTo("runs");
        assertThat(config.runStatesTopic()).isEqualTo("runs");
        assertThat(CancelTopic.COMMANDS.name(config)).isEqualTo(CancelTopic.COMMANDS.defaultName());
    }

    @Test
    void settingsAndDefaultNamesAreDistinct() {
        assertThat(CancelTopic.ALL.stream().map(CancelTopic::configKey)).doesNotHaveDuplicates();
        assertThat(CancelTopic.ALL.stream().map(CancelTopic::defaultName)).doesNotHaveDuplicates();
    }

    @Test
    void commandsRunStatesGrantsAndBulksAreReadTheRestWritten() {
        assertThat(CancelTopic.ALL.stream().filter(topic -> topic.direction() == Direction.IN))
                .containsExactly(CancelTopic.COMMANDS, CancelTopic.RUN_STATES, CancelTopic.OPERATORS, CancelTopic.BULK);
        assertThat(CancelTopic.COMMANDS.valueType()).isEqualTo(CancelCommand.class);
        assertThat(CancelTopic.RUN_STATES.valueType()).isEqualTo(RunState.class);
    }

    @Test
    void runStatesAndGrantsAreCompactedTheRestDeletedByAge() {
        for (CancelTopic<?> topic : CancelTopic.ALL) {
            boolean latestValuePerKey = topic == CancelTopic.RUN_STATES || topic == CancelTopic.OPERATORS;
            assertThat(DEFAULTS.topicConfigs(topic))
                    .as(topic.configKey())
                    .containsEntry(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            latestValuePerKey ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        }
    }

    @Test
    void runStatesAreCoPartitionedWithTheCommands() {
        assertThat(CancelTopic.ALL.stream().filter(CancelTopic::coPartitionedWithCommands))
                .containsExactly(CancelTopic.COMMANDS, CancelTopic.RUN_STATES);
    }

    @Test
    void theDeadLetterTopicTakesTheLargestRecordTheProducerSends() {
        assertThat(CancelTopic.ALL.stream().filter(CancelTopic::takesTheLargestProducedRecord))
                .containsExactly(CancelTopic.DLQ);
        assertThat(DEFAULTS.topicConfigs(CancelTopic.DLQ))
                .containsEntry(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        String.valueOf(StreamsProperties.MAX_PRODUCED_RECORD_BYTES));
        assertThat(new CancelProcessorConfig(Map.of("max.request.size", "5000000")).topicConfigs(CancelTopic.DLQ))
                .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "5000000");
        assertThat(new CancelProcessorConfig(
                                Map.of("max.request.size", "5000000", "producer.max.request.size", "6000000"))
                        .topicConfigs(CancelTopic.DLQ))
                .as("the producer-prefixed setting wins, as in Kafka Streams")
                .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "6000000");
        assertThat(DEFAULTS.topicConfigs(CancelTopic.COMMANDS)).doesNotContainKey(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    }
}
