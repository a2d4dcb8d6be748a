package io.controlplane.cancel.app;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka Streams' own clients, except that the consumer of a stream thread being replaced leaves the
 * consumer group when it closes.
 *
 * <p>Kafka Streams shuts a failed thread down without leaving the group ({@code
 * KafkaStreams.replaceStreamThread} closes it with {@code REMAIN_IN_GROUP}, as for a restart that
 * comes back soon), and its replacement joins as a new member. The group then waits for the dead
 * member's session to time out ({@code session.timeout.ms}: 45 s by default) before it gives that
 * member's partitions to anyone, so every partition of the failed thread stands still for that long.
 * Leaving instead starts the rebalance at once: the replacement takes the partitions over in
 * seconds.
 */
final class ReplacedThreadsLeaveTheGroup implements KafkaClientSupplier {

    private final Set<Thread> replaced = ConcurrentHashMap.newKeySet();

    /**
     * Called on a failed stream thread when the uncaught-exception handler replaces it: Kafka Streams
     * closes the thread's consumer on the same thread afterwards.
     */
    void replacing(Thread streamThread) {
        replaced.add(streamThread);
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new MainConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** A stream thread's consumer, which leaves the group if its thread is being replaced. */
    private final class MainConsumer extends KafkaConsumer<byte[], byte[]> {

        MainConsumer(Map<String, Object> config) {
            super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public void close(CloseOptions options) {
            if (!replaced.remove(Thread.currentThread())) {
                super.close(options);
                return;
            }
            CloseOptions leaving =
                    CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
            options.timeout().ifPresent(leaving::withTimeout);
            super.close(leaving);
        }
    }
}
