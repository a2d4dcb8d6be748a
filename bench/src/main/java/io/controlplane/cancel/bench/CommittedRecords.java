package io.controlplane.cancel.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The records in every topic whose name passes a test, counted as a downstream read_committed
 * consumer sees them: records of committed transactions (and non-transactional ones), never the
 * transaction markers, which take an offset each and so make end minus start offsets overcount.
 * The topics are found by name on the broker at each count, so topics the processor creates for
 * itself (changelogs, repartition topics, whatever its topology names them) are counted without
 * being named here.
 */
final class CommittedRecords implements AutoCloseable {

    private static final Duration GIVE_UP = Duration.ofSeconds(120);

    private final Admin admin;
    private final Predicate<String> counted;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Map<String, Long> perTopic = new TreeMap<>();

    CommittedRecords(String bootstrapServers, Admin admin, Predicate<String> counted) {
        this.admin = admin;
        this.counted = counted;
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        10_000),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /**
     * Once no transaction is open on any counted partition (last stable offset = high watermark),
     * the records committed in each counted topic since the start: topic name to count.
     */
    Map<String, Long> count() throws ExecutionException, InterruptedException {
        discover();
        Map<TopicPartition, Long> stable = stableEnds();
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (stable.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("never read up to the stable end offsets " + stable);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                perTopic.merge(record.topic(), 1L, Long::sum);
            }
        }
        return new TreeMap<>(perTopic);
    }

    /** The counted topics' partitions on the broker now; new ones are read from their start. */
    private void discover() throws ExecutionException, InterruptedException {
        List<String> names = admin.listTopics().names().get().stream()
                .filter(counted)
                .sorted()
                .toList();
        List<TopicPartition> fresh = new ArrayList<>();
        admin.describeTopics(names)
                .allTopicNames()
                .get()
                .forEach((name, description) -> description.partitions().forEach(p -> {
                    TopicPartition partition = new TopicPartition(name, p.partition());
                    if (assigned.add(partition)) {
                        fresh.add(partition);
                    }
                }));
        names.forEach(name -> perTopic.putIfAbsent(name, 0L));
        if (!fresh.isEmpty()) {
            consumer.assign(assigned);
            consumer.seekToBeginning(fresh);
        }
    }

    /** Waits until every counted partition's last stable offset has caught up with its high watermark. */
    private Map<TopicPartition, Long> stableEnds() throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (true) {
            Map<TopicPartition, Long> stable = ends(IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, Long> written = ends(IsolationLevel.READ_UNCOMMITTED);
            if (stable.equals(written)) {
                return stable;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a transaction stayed open: stable " + stable + ", written " + written);
            }
            Thread.sleep(50);
        }
    }

    private Map<TopicPartition, Long> ends(IsolationLevel isolation) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        assigned.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(isolation))
                .all()
                .get()
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
