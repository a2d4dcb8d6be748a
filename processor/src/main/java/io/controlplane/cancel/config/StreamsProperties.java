package io.controlplane.cancel.config;

import io.controlplane.cancel.errors.NegativeTimestampInterceptor;
import io.controlplane.cancel.errors.RegistryOutageDeserializationHandler;
import io.controlplane.cancel.errors.RegistryOutageProcessingHandler;
import io.controlplane.cancel.errors.RegistryOutageProductionHandler;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.WallclockTimestampExtractor;

/** Turns the processor's configuration into Kafka Streams properties, with this product's defaults. */
public final class StreamsProperties {

    public static final String DEFAULT_APPLICATION_ID = "controlplane-execution-cancel";

    /**
     * The largest record the processor produces. A dead letter is an input record, which may be as
     * large as its topic allows (by default the broker's ~1 MiB), plus the error headers Kafka Streams
     * adds (a stack trace among them): so twice the broker's default. Under exactly_once_v2 a record
     * the producer or broker refuses aborts the transaction, and the same input fails again on retry.
     */
    public static final int MAX_PRODUCED_RECORD_BYTES = 2 * 1024 * 1024;

    private StreamsProperties() {}

    /**
     * Defaults first, then everything the user set, so that a default can be overridden: except one
     * set for safety ({@link Safeguard}), which a user's setting replaces only when its
     * {@code cancel.unsafe.allow.*} switch says so. The dead-letter queue is wired to the configured DLQ topic so undecodable input is kept, not lost,
     * and the producer takes dead letters of the largest input; the handlers keep a schema registry
     * outage away from the dead-letter queue (the records are fine, and are processed once the
     * registry answers).
     *
     * @throws org.apache.kafka.common.config.ConfigException when a user's setting would replace a safety
     *     setting without its switch: one line, naming both
     */
    public static Properties from(Map<?, ?> userSettings) {
        CancelProcessorConfig config = new CancelProcessorConfig(userSettings);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                RegistryOutageDeserializationHandler.class.getName());
        props.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                RegistryOutageProcessingHandler.class.getName());
        // Grants are read by the global thread: a bad grant record must not stop it either.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                RegistryOutageProductionHandler.class.getName());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.dlqTopic());
        // A producer sets a record's timestamp, so it decides nothing here: not the dedup retention or
        // the not-found grace (both on the processor's clock), and not the timestamps of what the
        // processor writes (a negative one cannot be written, a far-future one is refused by brokers
        // since Kafka 4.0, a far-past one is deleted from a changelog by retention at once).
        props.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, WallclockTimestampExtractor.class.getName());
        // With wall-clock timestamps there is no order by time across a task's partitions to keep, so
        // a task never waits for data on its other partitions (by default it checks, for every
        // record, whether it should: ~11% of the stream thread in a profile of the whole job).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // The global (grants) thread uses no extractor: see NegativeTimestampInterceptor.
        props.put(
                StreamsConfig.globalConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
                NegativeTimestampInterceptor.class.getName());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_PRODUCED_RECORD_BYTES);
        // RocksDB tuned for point lookups that mostly miss, and the memory budget if one is set
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, CancelRocksDbConfigSetter.class.getName());
        Safeguard.refuseReplacements(userSettings, props, config);
        props.putAll(userSettings);
        // A user's own global-consumer interceptors are added to, not instead of, that protection.
        String globalInterceptors = StreamsConfig.globalConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
        Object userInterceptors = userSettings.get(globalInterceptors);
        if (userInterceptors != null
                && !String.valueOf(userInterceptors).contains(NegativeTimestampInterceptor.class.getName())) {
            props.put(globalInterceptors, NegativeTimestampInterceptor.class.getName() + "," + userInterceptors);
        }
        return props;
    }

    /**
     * The largest request the processor's producer sends, as Kafka Streams resolves it: a
     * {@code producer.}-prefixed setting wins over the plain one, which wins over this product's default.
     */
    public static int maxRequestSize(Map<?, ?> userSettings) {
        Object value = userSettings.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (value == null) {
            value = userSettings.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        return value == null
                ? MAX_PRODUCED_RECORD_BYTES
                : (Integer) ConfigDef.parseType(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, value, ConfigDef.Type.INT);
    }
}
