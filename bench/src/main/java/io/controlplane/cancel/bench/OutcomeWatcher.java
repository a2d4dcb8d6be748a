package io.controlplane.cancel.bench;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the processor's outcomes as a downstream service does (read_committed), from the end of the
 * output topics at construction on, in a thread of its own, and reports each outcome's commandId
 * with the time it became readable (System.nanoTime).
 */
final class OutcomeWatcher implements AutoCloseable {

    private final Topics topics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BiConsumer<String, Long> onOutcome;
    private final Thread thread;
    private volatile boolean running = true;

    OutcomeWatcher(String bootstrapServers, Topics topics, BiConsumer<String, Long> onOutcome) {
        this.topics = topics;
        this.onOutcome = onOutcome;
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.runStateChanges.name(), topics.rejections.name())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve "end" now, before any command is sent
        thread = new Thread(this::poll, "outcome-watcher");
        thread.start();
    }

    private void poll() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                long readable = System.nanoTime();
                onOutcome.accept(commandIdOf(record), readable);
            }
        }
    }

    private String commandIdOf(ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(topics.runStateChanges.name())) {
            RunStateChange change =
                    topics.runStateChanges.valueSerde().deserializer().deserialize(record.topic(), record.value());
            return change.getCommandId();
        }
        CancelRejection rejection =
                topics.rejections.valueSerde().deserializer().deserialize(record.topic(), record.value());
        return String.valueOf(rejection.getCommandId());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        consumer.close();
    }
}
