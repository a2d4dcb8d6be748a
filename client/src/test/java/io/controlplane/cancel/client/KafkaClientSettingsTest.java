package io.controlplane.cancel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {

    private static final Map<String, String> SETTINGS = Map.of(
            "bootstrap.servers", "kafka-1:9092",
            "schema.registry.url", "mock://kafka-client-settings-test",
            "group.id", "the-processors-group",
            "consumer.group.instance.id", "processor-1",
            "acks", "1",
            "cancel.client.id", "billing-service",
            "cancel.client.timeout.ms", "7000");

    @Test
    void theProducerWritesEveryCommandOnceToAllInSyncReplicasAndBlocksNoLongerThanACallWaits() {
        Map<String, Object> producer = KafkaClientSettings.producer(new CancelClientConfig(SETTINGS));

        assertThat(producer)
                .containsEntry("bootstrap.servers", "kafka-1:9092")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("client.id", "billing-service")
                .containsEntry("max.block.ms", 7000L)
                .containsEntry("linger.ms", 5);
        Map<String, String> lingering = new java.util.HashMap<>(SETTINGS);
        lingering.put("producer.linger.ms", "50");
        assertThat(KafkaClientSettings.producer(new CancelClientConfig(lingering)))
                .containsEntry("linger.ms", "50");
    }

    @Test
    void theOutcomeReaderIsInNoGroupCommitsNothingAndReadsDecidedOutcomesOnly() {
        Map<String, Object> consumer = KafkaClientSettings.consumer(new CancelClientConfig(SETTINGS));

        assertThat(consumer)
                .containsEntry("bootstrap.servers", "kafka-1:9092")
                .doesNotContainKeys("group.id", "group.instance.id")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("client.id", "billing-service-outcomes");
    }

    @Test
    void theOutcomeReadersMetadataIsNoOlderThanThePartitionCheckUnlessSetOtherwise() {
        assertThat(KafkaClientSettings.consumer(new CancelClientConfig(SETTINGS)))
                .containsEntry("metadata.max.age.ms", 30_000L);
        Map<String, Object> checkingOften = new java.util.HashMap<>(SETTINGS);
        checkingOften.put("cancel.client.partition-check.ms", "1000");
        assertThat(KafkaClientSettings.consumer(new CancelClientConfig(checkingOften)))
                .containsEntry("metadata.max.age.ms", 1_000L);
        Map<String, Object> ownAge = new java.util.HashMap<>(SETTINGS);
        ownAge.put("consumer.metadata.max.age.ms", "60000");
        assertThat(KafkaClientSettings.consumer(new CancelClientConfig(ownAge)))
                .containsEntry("metadata.max.age.ms", "60000");
    }
}
