package io.controlplane.cancel.errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;

/**
 * Gives a record that arrives with a negative timestamp the consumer's clock instead, for the
 * global (grants) consumer. Kafka Streams' global thread uses no timestamp extractor: it builds
 * each record with the timestamp as written, and a negative one makes that throw, which kills the
 * global thread, and with it the processor, again on every restart. Nothing here reads a grant's
 * timestamp, so giving it another one changes nothing else.
 */
public final class NegativeTimestampInterceptor implements ConsumerInterceptor<byte[], byte[]> {

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        if (!hasNegativeTimestamp(records)) {
            return records;
        }
        long now = System.currentTimeMillis();
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> fixed = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                list.add(
                        record.timestamp() >= 0
                                ? record
                                : new ConsumerRecord<>(
                                        record.topic(),
                                        record.partition(),
                                        record.offset(),
                                        now,
                                        TimestampType.LOG_APPEND_TIME,
                                        record.serializedKeySize(),
                                        record.serializedValueSize(),
                                        record.key(),
                                        record.value(),
                                        record.headers(),
                                        record.leaderEpoch(),
                                        record.deliveryCount()));
            }
            fixed.put(partition, list);
        }
        return new ConsumerRecords<>(fixed, records.nextOffsets());
    }

    private static boolean hasNegativeTimestamp(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.timestamp() < 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
}
