package io.controlplane.cancel.client;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The settings of the client's one producer and one consumer, from the client's own. */
final class KafkaClientSettings {

    /** Long enough to batch the commands of many threads, short against any outcome's wait. */
    private static final int DEFAULT_LINGER_MS = 5;

    private KafkaClientSettings() {}

    static Map<String, Object> producer(CancelClientConfig config) {
        Map<String, Object> settings = new HashMap<>(config.producerSettings());
        // a command is in once every in-sync replica has it, and a retried batch is not written twice
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.clientId());
        // a call blocked on Kafka's metadata or a full buffer gives up when it would have timed out
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.timeoutMs());
        settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        return settings;
    }

    /** A reader of no group: it is assigned its partitions and positioned by the client, and commits nothing. */
    static Map<String, Object> consumer(CancelClientConfig config) {
        Map<String, Object> settings = new HashMap<>(config.consumerSettings());
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        // its own id: two clients of one JVM with one id clash in Kafka's metrics and JMX names
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.clientId() + "-outcomes");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the partition check asks the consumer's metadata, which is otherwise 5 minutes old at worst
        settings.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, config.partitionCheckMs());
        // outcomes of aborted transactions (a processor that crashed mid-write) were never decided
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a position that retention overtook resumes at what is left, not past outcomes still to read
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return settings;
    }
}
