package io.controlplane.cancel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.errors.NegativeTimestampInterceptor;
import io.controlplane.cancel.errors.RegistryOutageDeserializationHandler;
import io.controlplane.cancel.errors.RegistryOutageProcessingHandler;
import io.controlplane.cancel.errors.RegistryOutageProductionHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

    @Test
    void exactlyOnceV2IsTheDefaultProcessingGuarantee() {
        Properties props = StreamsProperties.from(Map.of());
        assertThat(props).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void aTaskNeverWaitsForDataOnItsOtherPartitions() {
        assertThat(StreamsProperties.from(Map.of()))
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    }

    @Test
    void theProcessorsRocksDbSetterIsTheDefaultAndAUsersOwnWins() {
        assertThat(StreamsProperties.from(Map.of()))
                .containsEntry(
                        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, CancelRocksDbConfigSetter.class.getName());
        assertThat(StreamsProperties.from(Map.of(CancelProcessorConfig.ROCKSDB_MEMORY_BYTES, "67108864")))
                .containsEntry(
                        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, CancelRocksDbConfigSetter.class.getName());
        assertThat(StreamsProperties.from(Map.of(
                        CancelProcessorConfig.ROCKSDB_MEMORY_BYTES,
                        "67108864",
                        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
                        "com.example.OwnSetter")))
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.OwnSetter");
    }

    @Test
    void undecodableInputGoesToTheConfiguredDeadLetterQueueAndProcessingContinues() {
        Properties props = StreamsProperties.from(Map.of(CancelProcessorConfig.DLQ_TOPIC, "my.dlq"));
        assertThat(props)
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "my.dlq")
                .containsEntry(
                        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        RegistryOutageDeserializationHandler.class.getName());
    }

    @Test
    void aSchemaRegistryOutageIsHandledAtEveryStepThatAsksTheRegistry() {
        Properties props = StreamsProperties.from(Map.of());
        assertThat(props)
                .containsEntry(
                        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        RegistryOutageDeserializationHandler.class.getName())
                .containsEntry(
                        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        RegistryOutageProcessingHandler.class.getName())
                .containsEntry(
                        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        RegistryOutageProductionHandler.class.getName());
    }

    @Test
    void producerTakesTheDeadLetterOfTheLargestInputTheBrokerTakesByDefault() {
        Properties props = StreamsProperties.from(Map.of());
        // the broker's default message.max.bytes, plus room for the error headers of a dead letter
        assertThat((Integer) props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))
                .isEqualTo(StreamsProperties.MAX_PRODUCED_RECORD_BYTES)
                .isGreaterThan(1024 * 1024 + 12 + 64 * 1024);
        assertThat(StreamsProperties.from(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "5242880")))
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "5242880");
    }

    /** What a secured broker asks of a client reaches every client Kafka Streams, the checks and create-topics make. */
    @Test
    void securitySettingsReachEveryKafkaClientUnchanged() {
        Map<String, String> security = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\"cancel-processor\" password=\"${file:/run/secrets/kafka:password}\";",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", "/etc/cancel-processor/kafka-ca.pem",
                "ssl.endpoint.identification.algorithm", "https");
        Map<String, String> settings = new HashMap<>(security);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9093");
        StreamsConfig config = new StreamsConfig(StreamsProperties.from(settings));
        List<Map<String, Object>> clients = List.of(
                config.getMainConsumerConfigs("group", "consumer", 0),
                config.getRestoreConsumerConfigs("restore"),
                config.getGlobalConsumerConfigs("global"),
                config.getProducerConfigs("producer"),
                config.getAdminConfigs("admin"));
        for (Map<String, Object> client : clients) {
            assertThat(client).containsAllEntriesOf(security);
        }
    }

    /** Those set for safety are the exception: see SafeguardTest. */
    @Test
    void userSettingsOverrideTheDefaults() {
        Properties props = StreamsProperties.from(
                Map.of(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0", StreamsConfig.APPLICATION_ID_CONFIG, "cancel-eu"));
        assertThat(props)
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "cancel-eu");
    }

    @Test
    void globalConsumerKeepsTheNegativeTimestampGuardBesideAUsersOwnInterceptors() {
        String key = StreamsConfig.globalConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
        assertThat(StreamsProperties.from(Map.of())).containsEntry(key, NegativeTimestampInterceptor.class.getName());
        assertThat(StreamsProperties.from(Map.of(key, "com.example.Audit")))
                .containsEntry(key, NegativeTimestampInterceptor.class.getName() + ",com.example.Audit");
    }
}
