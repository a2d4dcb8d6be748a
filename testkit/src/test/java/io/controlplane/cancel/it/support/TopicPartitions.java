package io.controlplane.cancel.it.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Every partition of topics a test has just created, for a consumer to be assigned. The consumer's
 * {@code partitionsFor} answers an empty list, at once, for a topic the broker's metadata does not
 * know yet: right after its creation, on a busy machine, a reader built on that answer reads nothing
 * of the topic for good. (BulkCancelCrashIT's watcher did, and saw no progress record of a bulk that
 * cancelled 34,850 runs.)
 */
public final class TopicPartitions {

    private static final Duration KNOWN_WITHIN = Duration.ofSeconds(30);

    private TopicPartitions() {}

    /** Waits until the broker knows each topic; fails the test if one is still unknown after 30 s. */
    public static Set<TopicPartition> of(Consumer<?, ?> consumer, List<String> topics) {
        return topics.stream()
                .flatMap(topic -> await("the broker knows topic " + topic)
                        .atMost(KNOWN_WITHIN)
                        .pollInSameThread()
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> consumer.partitionsFor(topic, KNOWN_WITHIN), infos -> !infos.isEmpty())
                        .stream())
                .map(TopicPartitions::of)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static TopicPartition of(PartitionInfo info) {
        return new TopicPartition(info.topic(), info.partition());
    }
}
