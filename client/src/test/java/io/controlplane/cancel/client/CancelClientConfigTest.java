package io.controlplane.cancel.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.KeyPartitioner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client reads the processor's own settings: the same file, the same CANCEL_PROCESSOR_* variables. */
class CancelClientConfigTest {

    @TempDir
    Path dir;

    @Test
    void theProcessorsFileIsReadAndItsEnvironmentVariablesWin() throws IOException {
        Path file = Files.writeString(
                dir.resolve("cancel.properties"),
                String.join(
                        "\n",
                        "bootstrap.servers=kafka-file:9092",
                        "application.id=controlplane-execution-cancel",
                        "cancel.topic.commands=ops.commands",
                        "cancel.partitioner=crc32",
                        "cancel.client.timeout.ms=5000"));

        CancelClientConfig config = CancelClientConfig.load(
                file,
                Map.of(
                        "CANCEL_PROCESSOR_BOOTSTRAP_SERVERS", "kafka-env:9092",
                        "CANCEL_PROCESSOR_CANCEL_CLIENT_MAX__PENDING", "7",
                        "UNRELATED", "x"));

        assertThat(config.producerSettings()).containsEntry("bootstrap.servers", "kafka-env:9092");
        assertThat(config.topic(CancelTopic.COMMANDS)).isEqualTo("ops.commands");
        assertThat(config.topic(CancelTopic.RUN_STATE_CHANGES)).isEqualTo(CancelTopic.RUN_STATE_CHANGES.defaultName());
        assertThat(config.partitioner()).isEqualTo(KeyPartitioner.CRC32);
        assertThat(config.timeoutMs()).isEqualTo(5_000);
        assertThat(config.maxPending()).isEqualTo(7);
    }

    @Test
    void kafkaSettingsGoToTheClientTheirPrefixNamesAndOthersAreLeftOut() {
        CancelClientConfig config = new CancelClientConfig(Map.of(
                "bootstrap.servers", "kafka-1:9092",
                "security.protocol", "SASL_SSL",
                "producer.linger.ms", "20",
                "consumer.max.poll.records", "50",
                "application.id", "controlplane-execution-cancel",
                "processing.guarantee", "exactly_once_v2"));

        assertThat(config.producerSettings())
                .containsEntry("bootstrap.servers", "kafka-1:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("linger.ms", "20")
                .doesNotContainKeys("max.poll.records", "application.id", "processing.guarantee", "producer.linger.ms");
        assertThat(config.consumerSettings())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("max.poll.records", "50")
                .doesNotContainKeys("linger.ms", "application.id");
    }
}
