package io.controlplane.cancel.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ceiling: Kafka's own consumer and producer copying the processor's input records to a topic
 * of the same shape, in one thread as a Streams task does, committing the consumed offsets every
 * 100 ms (Kafka Streams' exactly_once_v2 commit interval): plainly, or each 100 ms in a transaction.
 */
final class PipeCeiling {

    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    private PipeCeiling() {}

    /** @return records piped per second, from the first record read to the last one committed */
    static double pipe(String bootstrapServers, List<String> inputs, String output, boolean transactional) {
        String group = "bench-pipe-" + (transactional ? "tx-" : "plain-") + System.nanoTime();
        Map<String, Object> consumerSettings = new HashMap<>();
        consumerSettings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerSettings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerSettings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerSettings = new HashMap<>();
        producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (transactional) {
            producerSettings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                        consumerSettings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : inputs) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long total = ends.values().stream().mapToLong(Long::longValue).sum();
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
            long piped = 0;
            long start = 0;
            long lastCommit = System.nanoTime();
            while (piped < total) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (start == 0 && !records.isEmpty()) {
                    start = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    producer.send(new ProducerRecord<>(output, record.partition(), record.key(), record.value()));
                    consumed.put(
                            new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    piped++;
                }
                if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos() || piped == total) {
                    commit(consumer, producer, consumed, transactional, piped < total);
                    lastCommit = System.nanoTime();
                }
            }
            return piped / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void commit(
            KafkaConsumer<byte[], byte[]> consumer,
            KafkaProducer<byte[], byte[]> producer,
            Map<TopicPartition, OffsetAndMetadata> consumed,
            boolean transactional,
            boolean more) {
        if (transactional) {
            producer.sendOffsetsToTransaction(consumed, consumer.groupMetadata());
            producer.commitTransaction();
            if (more) {
                producer.beginTransaction();
            }
        } else {
            // what at_least_once does at a commit: everything sent is acknowledged before its offsets
            producer.flush();
            consumer.commitSync(consumed);
        }
    }
}
