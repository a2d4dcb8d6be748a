package io.controlplane.cancel.it.support;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** The processors' consumer group (the application.id) as the broker sees it. */
public final class ProcessorGroup {

    private static final long TIMEOUT_S = 10;

    private final Admin admin;
    private final String groupId;

    public ProcessorGroup(Admin admin, String applicationId) {
        this.admin = admin;
        this.groupId = applicationId;
    }

    /**
     * How many partitions of {@code topic} each member (a stream thread's consumer, by client id)
     * owns once the group is stable; empty while it rebalances or before it exists.
     */
    public Map<String, Integer> partitionsByMember(String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(groupId))
                    .describedGroups()
                    .get(groupId)
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw e;
        }
        if (group.groupState() != GroupState.STABLE) {
            return Map.of();
        }
        Map<String, Integer> owned = new TreeMap<>();
        for (MemberDescription member : group.members()) {
            owned.put(member.clientId(), (int) member.assignment().topicPartitions().stream()
                    .filter(partition -> partition.topic().equals(topic))
                    .count());
        }
        return owned;
    }

    /**
     * Whether the group has committed every record now in {@code inputTopics}. Under exactly-once
     * the commit is part of the transaction that wrote the outcomes, so these are then all visible.
     */
    public boolean hasConsumedAll(Collection<String> inputTopics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest =
                admin.describeTopics(inputTopics).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).values().stream()
                        .flatMap(topic -> topic.partitions().stream()
                                .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                        .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        // requireStable: offsets of a transaction still open count as not yet committed
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                        groupId, new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        return ends.entrySet().stream()
                .allMatch(end -> end.getValue().offset() == 0
                        || committed.get(end.getKey()) != null
                                && committed.get(end.getKey()).offset()
                                        >= end.getValue().offset());
    }
}
