package io.controlplane.cancel.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the processor has got: its consumer group's committed offsets (with exactly_once_v2
 * committed in the same transaction as its outputs) against the input topics' end offsets.
 */
final class GroupProgress {

    private final Admin admin;
    private final String group;
    private final Map<TopicPartition, Long> ends = new HashMap<>();

    GroupProgress(Admin admin, String group, List<String> topics) throws ExecutionException, InterruptedException {
        this.admin = admin;
        this.group = group;
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics)
                .allTopicNames()
                .get()
                .forEach((name, description) -> description
                        .partitions()
                        .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    }

    /** Records of {@code topic} consumed and committed so far. */
    long committed(String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            if (entry.getKey().topic().equals(topic) && entry.getValue() != null) {
                sum += entry.getValue().offset();
            }
        }
        return sum;
    }

    long end(String topic) {
        return ends.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }
}
