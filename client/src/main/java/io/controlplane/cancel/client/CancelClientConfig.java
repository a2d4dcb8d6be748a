package io.controlplane.cancel.client;

import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.EnvironmentSettings;
import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.serde.FramedAvroSerde;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;

/**
 * The client's settings: the processor's own (the same file and {@code CANCEL_PROCESSOR_*}
 * environment serve both), of which it reads Kafka's address, login and TLS, the topic names, the
 * partitioner, the value serde and the registry settings; and its own {@code cancel.client.*}.
 * Kafka client settings go to the client's producer and consumer as Kafka Streams passes them to its
 * own: a {@code producer.} or {@code consumer.} prefix sets one of them only, and wins.
 */
public final class CancelClientConfig extends AbstractConfig {

    public static final String PARTITIONER = "cancel.partitioner";
    public static final String VALUE_SERDE = "cancel.value.serde";
    public static final String TIMEOUT_MS = "cancel.client.timeout.ms";
    public static final String MAX_PENDING = "cancel.client.max-pending";
    public static final String RECENT_OUTCOMES = "cancel.client.recent-outcomes";
    public static final String CLIENT_ID = "cancel.client.id";
    public static final String PARTITION_CHECK_MS = "cancel.client.partition-check.ms";
    public static final String BULK_TIMEOUT_MS = "cancel.client.bulk-timeout.ms";

    private static final ConfigDef DEFINITION = definition();

    public CancelClientConfig(Map<String, ?> settings) {
        super(DEFINITION, settings, false);
    }

    /** The settings of {@code file} (may be null), overridden by {@code environment}'s {@code CANCEL_PROCESSOR_*} variables. */
    public static CancelClientConfig load(Path file, Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage());
            }
            properties
                    .stringPropertyNames()
                    .forEach(
                            key -> settings.put(key, properties.getProperty(key).trim()));
        }
        settings.putAll(EnvironmentSettings.from(environment));
        return new CancelClientConfig(settings);
    }

    /** The settings of this process's environment alone ({@code CANCEL_PROCESSOR_*}). */
    public static CancelClientConfig fromEnvironment() {
        return load(null, System.getenv());
    }

    /** The topic's name as configured (the processor's key and default). */
    public String topic(CancelTopic<?> topic) {
        return topic.name(this);
    }

    public KeyPartitioner partitioner() {
        return KeyPartitioner.fromConfigName(getString(PARTITIONER));
    }

    /** How long a call waits for its outcome, and for Kafka, before it ends TimedOut or failed. */
    public long timeoutMs() {
        return getLong(TIMEOUT_MS);
    }

    public int maxPending() {
        return getInt(MAX_PENDING);
    }

    public int recentOutcomes() {
        return getInt(RECENT_OUTCOMES);
    }

    public long bulkTimeoutMs() {
        return getLong(BULK_TIMEOUT_MS);
    }

    public long partitionCheckMs() {
        return getLong(PARTITION_CHECK_MS);
    }

    public String clientId() {
        return getString(CLIENT_ID);
    }

    /**
     * The value serde of {@code type}, configured with every setting (the registry's among them). Our
     * own serde is told the class, so a record of another type is refused; a plug-in finds it itself.
     */
    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
        Class<?> serdeClass = getClass(VALUE_SERDE);
        Serde<V> serde = serdeClass.equals(FramedAvroSerde.class)
                ? new FramedAvroSerde<>(type)
                : (Serde<V>) Utils.newInstance(serdeClass);
        serde.configure(originals(), false);
        return serde;
    }

    /** The Kafka producer settings among these, {@code producer.}-prefixed ones winning. */
    public Map<String, Object> producerSettings() {
        return clientSettings(ProducerConfig.configNames(), "producer.");
    }

    /** The Kafka consumer settings among these, {@code consumer.}-prefixed ones winning. */
    public Map<String, Object> consumerSettings() {
        return clientSettings(ConsumerConfig.configNames(), "consumer.");
    }

    private Map<String, Object> clientSettings(java.util.Set<String> names, String prefix) {
        Map<String, Object> settings = new HashMap<>();
        originals().forEach((key, value) -> {
            if (names.contains(key)) {
                settings.put(key, value);
            }
        });
        originals().forEach((key, value) -> {
            if (key.startsWith(prefix) && names.contains(key.substring(prefix.length()))) {
                settings.put(key.substring(prefix.length()), value);
            }
        });
        return settings;
    }

    private static ConfigDef definition() {
        ConfigDef definition = new ConfigDef()
                .define(
                        PARTITIONER,
                        Type.STRING,
                        KeyPartitioner.MURMUR2.configName(),
                        ConfigDef.CaseInsensitiveValidString.in(KeyPartitioner.configNames()),
                        Importance.MEDIUM,
                        "How the producers of run states partition by key (murmur2 or crc32), as the processor "
                                + "is told: a command goes to its run's partition.")
                .define(
                        VALUE_SERDE,
                        Type.CLASS,
                        FramedAvroSerde.class,
                        Importance.LOW,
                        "Serde class for Avro record values, as the processor's.")
                .define(
                        TIMEOUT_MS,
                        Type.LONG,
                        30_000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        "How long a call waits for the processor's outcome before it ends TimedOut.")
                .define(
                        MAX_PENDING,
                        Type.INT,
                        10_000,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        "How many calls may wait for their outcomes at once; a call past it fails at once.")
                .define(
                        RECENT_OUTCOMES,
                        Type.INT,
                        10_000,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        "How many outcomes read recently are kept to answer a retry whose command was decided "
                                + "before the retry was made (a duplicate gets no outcome of its own).")
                .define(
                        CLIENT_ID,
                        Type.STRING,
                        "cancel-client",
                        Importance.LOW,
                        "The client.id of the client's producer; its outcome reader's is this with -outcomes.")
                .define(
                        BULK_TIMEOUT_MS,
                        Type.LONG,
                        600_000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        "How long a bulk cancel is followed for its end (then TimedOut: the bulk goes on), and "
                                + "a pause, resume or abort for its answer.")
                .define(
                        PARTITION_CHECK_MS,
                        Type.LONG,
                        30_000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "How often the outcome reader looks for partitions added to the outcome topics (and "
                                + "its consumer's metadata.max.age.ms, unless set): an outcome written to a new "
                                + "partition is read at most this much later.");
        for (CancelTopic<?> topic : CancelTopic.ALL) {
            definition.define(
                    topic.configKey(), Type.STRING, topic.defaultName(), Importance.HIGH, topic.description());
        }
        return definition;
    }
}
