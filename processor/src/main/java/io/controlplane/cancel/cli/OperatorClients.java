package io.controlplane.cancel.cli;

import io.controlplane.cancel.client.CancelClientConfig;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka clients of the operator commands, configured from the processor's own settings: the
 * same address, login and TLS (Kafka Streams' producer and consumer settings, {@code producer.} and
 * {@code consumer.} prefixes included), the same topic names and the same value serdes and registry.
 */
final class OperatorClients {

    static final String CLIENT_ID = "cancel-processor-cli";

    private final CancelProcessorConfig config;
    private final Topics topics;
    private final Map<String, Object> producerConfigs;
    private final Map<String, Object> consumerConfigs;
    private final Map<String, Object> adminConfigs;
    private final Duration timeout;
    private final CancelClientConfig clientConfig;

    OperatorClients(Map<String, String> settings) {
        this.config = new CancelProcessorConfig(settings);
        this.clientConfig = new CancelClientConfig(settings);
        this.topics = new Topics(config);
        this.timeout = config.startupTimeout();
        StreamsConfig streams = new StreamsConfig(StreamsProperties.from(settings));
        producerConfigs = new HashMap<>(streams.getProducerConfigs(CLIENT_ID));
        // Kafka Streams' exactly-once overrides are for its transactional producer; this one sends a
        // record or two, idempotently, and says so within the start-up timeout when Kafka is away.
        producerConfigs.remove(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        producerConfigs.remove(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        producerConfigs.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfigs.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfigs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        consumerConfigs = new HashMap<>(streams.getGlobalConsumerConfigs(CLIENT_ID));
        consumerConfigs.remove(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
        consumerConfigs.put(CommonClientConfigs.CLIENT_ID_CONFIG, CLIENT_ID);
        // Outcomes of aborted transactions (a crashed processor's) were never decided: never shown.
        consumerConfigs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfigs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        adminConfigs = new HashMap<>(streams.getAdminConfigs(CLIENT_ID));
    }

    CancelProcessorConfig config() {
        return config;
    }

    Topics topics() {
        return topics;
    }

    /** The same settings as the client library reads them, for the commands built on it. */
    CancelClientConfig clientConfig() {
        return clientConfig;
    }

    /**
     * The client library's settings for an operator command built on it: the CLI's client.id, and
     * {@code callTimeout} as the client's one timeout (how long a call waits for its answer, and its
     * producer for Kafka).
     */
    CancelClientConfig clientConfig(Duration callTimeout) {
        Map<String, Object> settings = new HashMap<>(clientConfig.originals());
        settings.put(CancelClientConfig.TIMEOUT_MS, callTimeout.toMillis());
        settings.put(CancelClientConfig.CLIENT_ID, CLIENT_ID);
        return new CancelClientConfig(settings);
    }

    String bootstrapServers() {
        return String.valueOf(producerConfigs.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** How long a call to Kafka may take before the command gives up: {@code cancel.startup.timeout.ms}. */
    Duration timeout() {
        return timeout;
    }

    Producer<String, byte[]> producer() {
        return new KafkaProducer<>(producerConfigs, new StringSerializer(), new ByteArraySerializer());
    }

    /** A consumer of no group: it is assigned partitions and positioned by the caller, and commits nothing. */
    Consumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(consumerConfigs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** An admin client; the caller closes it. */
    Admin admin() {
        return Admin.create(adminConfigs);
    }

    /** Every partition of the topics, which must exist. */
    List<TopicPartition> partitionsOf(Consumer<?, ?> consumer, List<String> topicNames) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topicNames) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new OperatorException("Topic " + topic + " does not exist on Kafka at " + bootstrapServers());
            }
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        return partitions;
    }

    /** Waits until Kafka has the record, or says in one line why it does not. */
    <T> T delivered(Future<T> sending, String what) {
        try {
            return sending.get(timeout.toMillis() + producerRequestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new OperatorException(
                    "Cannot write " + what + " to Kafka at " + bootstrapServers() + ": " + Text.oneLine(e.getCause()));
        } catch (TimeoutException e) {
            throw new OperatorException("Cannot write " + what + " to Kafka at " + bootstrapServers() + " within "
                    + Text.duration(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("Interrupted while writing " + what);
        }
    }

    private long producerRequestTimeoutMs() {
        Object value = producerConfigs.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        return value == null ? 30_000L : Long.parseLong(String.valueOf(value));
    }
}
