package io.controlplane.cancel.client;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** The Kafka consumer settings of a {@link RunStateChanges}: the client's, with what the subscription relies on. */
final class RunStateConsumerSettings {

    /** Numbers each subscription's client.id: two consumers of one id clash in the JVM's metrics. */
    private static final AtomicInteger SUBSCRIPTIONS = new AtomicInteger();

    private RunStateConsumerSettings() {}

    /** A member of {@code groupId} that commits itself, after its listener. */
    static Map<String, Object> ofGroupMember(CancelClientConfig config, String groupId) {
        Map<String, Object> settings = common(config);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return settings;
    }

    /** A consumer of no group: assigned its partitions, it has nothing to commit to. */
    static Map<String, Object> ofTail(CancelClientConfig config) {
        Map<String, Object> settings = common(config);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return settings;
    }

    private static Map<String, Object> common(CancelClientConfig config) {
        Map<String, Object> settings = config.consumerSettings();
        // Outcomes of aborted transactions (a processor that crashed mid-transaction) were never decided.
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed after the listener returned, never on a timer before it ran.
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group (or a tail whose place was deleted) reads what is kept rather than skip to the end.
        settings.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(
                CommonClientConfigs.CLIENT_ID_CONFIG,
                config.clientId() + "-run-state-changes-" + SUBSCRIPTIONS.incrementAndGet());
        return settings;
    }
}
