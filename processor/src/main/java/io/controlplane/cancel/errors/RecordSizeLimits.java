package io.controlplane.cancel.errors;

import io.controlplane.cancel.config.StreamsProperties;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record each topic the processor writes takes: the producer's {@code max.request.size},
 * or the topic's own {@code max.message.bytes} when that is smaller. A record over the producer's
 * limit is refused before it is sent; one over the topic's is refused by the broker, and under
 * exactly_once_v2 that aborts the whole transaction, so the input that made it fails again on every
 * retry and its partition never moves on. So what the processor writes is held to these limits
 * before it is sent: dead letters are cut ({@link DeadLetters}), and an outcome over its topic's limit
 * dead-letters its input instead.
 *
 * <p>The topics' limits are read when the processor starts, and again whenever the broker refuses a
 * record as too large anyway (someone lowered a topic's limit while the processor ran): at once the
 * limit drops below the refused record's size, so that a retry of the same input fits, and the real
 * value follows from the broker in the background.
 *
 * <p>Kafka Streams builds the exception handlers itself, from its configuration, so the running
 * processor's limits travel in that configuration under {@link #CONFIG} (as the metrics observer
 * does); without it (TopologyTestDriver tests) only the producer's limit applies.
 */
public final class RecordSizeLimits implements AutoCloseable {

    /** The Kafka Streams configuration key holding the processor's limits (an object, not text). */
    public static final String CONFIG = "cancel.internal.record.size.limits";

    private static final Logger log = LoggerFactory.getLogger(RecordSizeLimits.class);
    private static final long READ_TIMEOUT_MS = 10_000;

    private final int maxRequestSize;
    private final Map<String, Integer> topicLimits = new ConcurrentHashMap<>();
    private final Function<Collection<String>, Map<String, Integer>> reader;
    private final ExecutorService rereads;
    private final AutoCloseable owned;

    private RecordSizeLimits(
            int maxRequestSize, Function<Collection<String>, Map<String, Integer>> reader, AutoCloseable owned) {
        this.maxRequestSize = maxRequestSize;
        this.reader = reader;
        this.owned = owned;
        this.rereads = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cancel-record-size-limits");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Reads the limits of {@code topics} through {@code admin} now (failing if Kafka does not answer),
     * and again through it whenever a record is refused as too large; closing this closes {@code admin}.
     */
    public static RecordSizeLimits read(Admin admin, Collection<String> topics, int maxRequestSize) {
        RecordSizeLimits limits = new RecordSizeLimits(maxRequestSize, names -> maxMessageBytes(admin, names), admin);
        limits.topicLimits.putAll(limits.reader.apply(topics));
        return limits;
    }

    /** Limits given outright, as a topic's configuration would give them; a refused record lowers them. */
    public static RecordSizeLimits of(int maxRequestSize, Map<String, Integer> topicLimits) {
        RecordSizeLimits limits = new RecordSizeLimits(maxRequestSize, names -> Map.of(), () -> {});
        limits.topicLimits.putAll(topicLimits);
        return limits;
    }

    /** The processor's limits held in {@code configs}, or else the producer's limit alone. */
    public static RecordSizeLimits of(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof RecordSizeLimits limits
                ? limits
                : of(StreamsProperties.maxRequestSize(configs), Map.of());
    }

    /** The producer's {@code max.request.size}. */
    public int maxRequestSize() {
        return maxRequestSize;
    }

    /** The largest record, in bytes as the producer counts them, that {@code topic} takes. */
    public int of(String topic) {
        Integer topicLimit = topic == null ? null : topicLimits.get(topic);
        return topicLimit == null ? maxRequestSize : Math.min(maxRequestSize, topicLimit);
    }

    /**
     * The broker refused a record of {@code recordBytes} on {@code topic} as too large: from now on that
     * topic takes at most half as much, and its real limit is read again in the background. (Halving
     * rather than taking one byte off: {@code recordBytes} is an upper bound of what was sent, and until
     * the real limit is known each retry of the input must get closer to it.)
     */
    public void refused(String topic, int recordBytes) {
        if (topic == null) {
            return;
        }
        int lowered = recordBytes / 2;
        topicLimits.merge(topic, lowered, Math::min);
        log.warn(
                "Topic {} refused a record of {} bytes as too large: records for it are now held to {} bytes,"
                        + " until its max.message.bytes is read again",
                topic,
                recordBytes,
                of(topic));
        rereads.execute(() -> {
            try {
                topicLimits.putAll(reader.apply(List.of(topic)));
            } catch (RuntimeException e) {
                log.warn("Could not read max.message.bytes of {} again: {}", topic, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        rereads.shutdownNow();
        try {
            owned.close();
        } catch (Exception e) {
            log.debug("Closing the admin client of the record size limits failed", e);
        }
    }

    private static Map<String, Integer> maxMessageBytes(Admin admin, Collection<String> topics) {
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(topics.stream()
                            .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                            .toList())
                    .all()
                    .get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<String, Integer> limits = new ConcurrentHashMap<>();
            configs.forEach((resource, config) -> {
                ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    limits.put(resource.name(), Integer.parseInt(entry.value()));
                }
            });
            return limits;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                // A principal without DescribeConfigs still runs: a refused record teaches the limit.
                log.warn(
                        "Not allowed to read max.message.bytes of {} (grant DescribeConfigs on them): records for them"
                                + " are held to the producer's max.request.size until the broker refuses one",
                        topics);
                return Map.of();
            }
            throw new IllegalStateException("Cannot read the topics' max.message.bytes: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot read the topics' max.message.bytes: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the topics' max.message.bytes", e);
        }
    }
}
