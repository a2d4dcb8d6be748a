package io.controlplane.cancel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.errors.RegistryOutageDeserializationHandler;
import io.controlplane.cancel.errors.RegistryOutageProcessingHandler;
import io.controlplane.cancel.errors.RegistryOutageProductionHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.apache.kafka.streams.processor.FailOnInvalidTimestamp;
import org.apache.kafka.streams.processor.WallclockTimestampExtractor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user's setting never silently replaces one this product sets for safety: it is refused in one
 * line, unless the concern's {@code cancel.unsafe.allow.*} switch allows it.
 */
class SafeguardTest {

    @Nested
    class ProcessingGuarantee {

        @Test
        void refusesAnOverriddenProcessingGuarantee() {
            assertThatThrownBy(() -> StreamsProperties.from(
                            Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("Refusing processing.guarantee=at_least_once, which would replace exactly_once_v2: this"
                            + " processor's at-most-one-CANCELLED guarantee needs exactly_once_v2 (set"
                            + " cancel.unsafe.allow.processing.guarantee=true to run without it)");
        }

        /** Kafka Streams keeps them read_committed under exactly_once_v2 only unprefixed or with consumer. */
        @ParameterizedTest
        @ValueSource(strings = {"main.consumer.", "restore.consumer.", "global.consumer."})
        void refusesAConsumerThatWouldReadUncommittedRecords(String prefix) {
            assertRefused(
                    Map.of(prefix + ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                    prefix + "isolation.level=read_uncommitted, which would replace read_committed",
                    CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE);
        }

        @Test
        void allowsItWithTheUnsafeSwitch() {
            Properties props = StreamsProperties.from(Map.of(
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                    StreamsConfig.AT_LEAST_ONCE,
                    StreamsConfig.mainConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                    "read_uncommitted",
                    CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE,
                    "true"));
            assertThat(props)
                    .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)
                    .containsEntry(
                            StreamsConfig.mainConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                            "read_uncommitted");
        }

        @Test
        void allowsTheSameValueTheProductSets() {
            assertThat(StreamsProperties.from(Map.of(
                            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                            StreamsConfig.EXACTLY_ONCE_V2,
                            StreamsConfig.mainConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                            "read_committed",
                            StreamsConfig.restoreConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                            "read_committed",
                            StreamsConfig.globalConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                            "read_committed")))
                    .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        }

        /**
         * What Kafka Streams overrides itself under exactly_once_v2, whatever the user sets, is not refused
         * again: should an upgrade stop overriding one of these, this fails and it must be guarded here.
         */
        @Test
        void leavesToKafkaStreamsWhatItAlreadyOverrides() {
            Map<String, String> settings = new HashMap<>();
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            settings.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_uncommitted");
            settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
            settings.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG), "true");
            settings.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG), "true");
            settings.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG), "true");
            settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            settings.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "false");
            settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "mine");
            settings.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTIONAL_ID_CONFIG), "mine");

            StreamsConfig config = new StreamsConfig(StreamsProperties.from(settings));

            for (Map<String, Object> consumer : List.of(
                    config.getMainConsumerConfigs("group", "consumer", 0),
                    config.getRestoreConsumerConfigs("restore"),
                    config.getGlobalConsumerConfigs("global"))) {
                assertThat(String.valueOf(consumer.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG)))
                        .isEqualTo("read_committed");
                assertThat(String.valueOf(consumer.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)))
                        .isEqualTo("false");
            }
            Map<String, Object> producer = config.getProducerConfigs("producer");
            assertThat(String.valueOf(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)))
                    .isEqualTo("true");
            assertThat(producer).doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        }
    }

    @Nested
    class ExceptionHandlers {

        @ParameterizedTest
        @MethodSource("io.controlplane.cancel.config.SafeguardTest#overriddenHandlers")
        void refusesAnOverriddenExceptionHandler(String key, String value, String replaced) {
            assertRefused(
                    Map.of(key, value),
                    key + "=" + value + ", which would replace " + replaced,
                    CancelProcessorConfig.UNSAFE_ALLOW_EXCEPTION_HANDLERS);
        }

        @Test
        void allowsItWithTheUnsafeSwitch() {
            Properties props = StreamsProperties.from(Map.of(
                    StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                    LogAndFailExceptionHandler.class.getName(),
                    StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG,
                    "false",
                    CancelProcessorConfig.UNSAFE_ALLOW_EXCEPTION_HANDLERS,
                    "true"));
            assertThat(props)
                    .containsEntry(
                            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                            LogAndFailExceptionHandler.class.getName())
                    .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "false");
        }

        @Test
        void allowsTheSameValueTheProductSets() {
            assertThat(StreamsProperties.from(Map.of(
                            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                            RegistryOutageDeserializationHandler.class,
                            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                            RegistryOutageProcessingHandler.class.getName(),
                            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                            " " + RegistryOutageProductionHandler.class.getName() + " ",
                            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG,
                            "TRUE")))
                    .containsEntry(
                            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                            RegistryOutageProcessingHandler.class.getName());
        }
    }

    @Nested
    class DeadLetterQueue {

        @Test
        void refusesAnotherDeadLetterTopic() {
            assertRefused(
                    Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "elsewhere.dlq"),
                    "errors.dead.letter.queue.topic.name=elsewhere.dlq, which would replace "
                            + CancelTopic.DLQ.defaultName(),
                    CancelProcessorConfig.UNSAFE_ALLOW_DEAD_LETTER_QUEUE);
        }

        @Test
        void allowsItWithTheUnsafeSwitch() {
            assertThat(StreamsProperties.from(Map.of(
                            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                            "elsewhere.dlq",
                            CancelProcessorConfig.UNSAFE_ALLOW_DEAD_LETTER_QUEUE,
                            "true")))
                    .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "elsewhere.dlq");
        }

        /** The topic cancel.topic.dlq names, whatever it is. */
        @Test
        void allowsTheSameValueTheProductSets() {
            assertThat(StreamsProperties.from(Map.of(
                            CancelProcessorConfig.DLQ_TOPIC,
                            "my.dlq",
                            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                            "my.dlq")))
                    .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "my.dlq");
            assertRefused(
                    Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "my.dlq"),
                    "errors.dead.letter.queue.topic.name=my.dlq, which would replace " + CancelTopic.DLQ.defaultName(),
                    CancelProcessorConfig.UNSAFE_ALLOW_DEAD_LETTER_QUEUE);
        }
    }

    @Nested
    class TimestampExtractor {

        @Test
        void refusesAnOverriddenTimestampExtractor() {
            assertRefused(
                    Map.of(
                            StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                            FailOnInvalidTimestamp.class.getName()),
                    "default.timestamp.extractor=" + FailOnInvalidTimestamp.class.getName() + ", which would replace "
                            + WallclockTimestampExtractor.class.getName(),
                    CancelProcessorConfig.UNSAFE_ALLOW_TIMESTAMP_EXTRACTOR);
        }

        @Test
        void allowsItWithTheUnsafeSwitch() {
            assertThat(StreamsProperties.from(Map.of(
                            StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                            FailOnInvalidTimestamp.class.getName(),
                            CancelProcessorConfig.UNSAFE_ALLOW_TIMESTAMP_EXTRACTOR,
                            "true")))
                    .containsEntry(
                            StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                            FailOnInvalidTimestamp.class.getName());
        }

        @Test
        void allowsTheSameValueTheProductSets() {
            assertThat(StreamsProperties.from(Map.of(
                            StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, WallclockTimestampExtractor.class)))
                    .containsEntry(
                            StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, WallclockTimestampExtractor.class);
        }
    }

    /** One switch allows its own concern only. */
    @Test
    void aSwitchAllowsNothingButItsOwnConcern() {
        assertRefused(
                Map.of(
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                        StreamsConfig.AT_LEAST_ONCE,
                        CancelProcessorConfig.UNSAFE_ALLOW_EXCEPTION_HANDLERS,
                        "true",
                        CancelProcessorConfig.UNSAFE_ALLOW_DEAD_LETTER_QUEUE,
                        "true",
                        CancelProcessorConfig.UNSAFE_ALLOW_TIMESTAMP_EXTRACTOR,
                        "true"),
                "processing.guarantee=at_least_once, which would replace exactly_once_v2",
                CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE);
    }

    @Test
    void aRefusalIsOneLineWhateverTheValue() {
        assertThatThrownBy(() -> StreamsProperties.from(
                        Map.of(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, "com.example.A\ncom.example.B")))
                .hasMessageStartingWith("Refusing default.timestamp.extractor=com.example.A?com.example.B, ")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @EnumSource(Safeguard.class)
    void everySwitchIsADocumentedBooleanThatIsOffByDefault(Safeguard safeguard) {
        ConfigDef.ConfigKey key =
                CancelProcessorConfig.definition().configKeys().get(safeguard.switchKey());
        assertThat(key.type).isEqualTo(ConfigDef.Type.BOOLEAN);
        assertThat(key.defaultValue).isEqualTo(false);
        assertThat(key.documentation).isNotBlank();
        assertThat(safeguard.switchKey()).startsWith("cancel.unsafe.allow.");
    }

    /** Each handler setting, a value of Kafka's own for it, and the product's value it would replace. */
    static Stream<Arguments> overriddenHandlers() {
        return Stream.of(
                Arguments.of(
                        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndFailExceptionHandler.class.getName(),
                        RegistryOutageDeserializationHandler.class.getName()),
                Arguments.of(
                        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndFailProcessingExceptionHandler.class.getName(),
                        RegistryOutageProcessingHandler.class.getName()),
                Arguments.of(
                        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DefaultProductionExceptionHandler.class.getName(),
                        RegistryOutageProductionHandler.class.getName()),
                Arguments.of(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "false", "true"));
    }

    /** Refused in one line naming the setting, its value, the value it would replace, and the switch. */
    private static void assertRefused(Map<String, ?> settings, String settingAndReplaced, String unsafeSwitch) {
        assertThatThrownBy(() -> StreamsProperties.from(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Refusing " + settingAndReplaced + ": ")
                .hasMessageEndingWith(" (set " + unsafeSwitch + "=true to run without it)")
                .hasMessageNotContaining("\n");
    }
}
