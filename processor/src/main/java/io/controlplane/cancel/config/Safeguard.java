package io.controlplane.cancel.config;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.WallclockTimestampExtractor;

/**
 * The Kafka Streams settings this product sets for the processor's safety, one constant per concern.
 * A user's setting that would replace one of them is refused at start-up, in one line naming it,
 * unless the concern's {@code cancel.unsafe.allow.*} switch is {@code true}; setting it to the value
 * the product sets anyway replaces nothing and is accepted.
 *
 * <p>What Kafka Streams itself overrides under exactly_once_v2, whatever the user sets (it logs that
 * it ignores the setting), is not guarded again here: {@code isolation.level} unprefixed and with
 * {@code consumer.}, {@code enable.idempotence} and {@code transactional.id} unprefixed and with
 * {@code producer.}, and {@code enable.auto.commit} (under any guarantee) with any prefix; it refuses a
 * {@code max.in.flight.requests.per.connection} above 5, and the producer an {@code acks} other than
 * all. It does not override an {@code isolation.level} with a {@code main.consumer.},
 * {@code restore.consumer.} or {@code global.consumer.} prefix: those are guarded.
 */
public enum Safeguard {
    PROCESSING_GUARANTEE(
            "processing.guarantee",
            "true lets " + StreamsConfig.PROCESSING_GUARANTEE_CONFIG + " be other than "
                    + StreamsConfig.EXACTLY_ONCE_V2 + ", and the isolation.level of the main, restore or global "
                    + "consumer other than read_committed: a crash can then write a second CANCELLED for a run, or "
                    + "lose an outcome. For tests and benchmarks.",
            List.of(
                    Guarded.ofProduct(
                            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                            "this processor's at-most-one-CANCELLED guarantee needs " + StreamsConfig.EXACTLY_ONCE_V2),
                    Guarded.readCommitted(StreamsConfig.MAIN_CONSUMER_PREFIX),
                    Guarded.readCommitted(StreamsConfig.RESTORE_CONSUMER_PREFIX),
                    Guarded.readCommitted(StreamsConfig.GLOBAL_CONSUMER_PREFIX))),
    EXCEPTION_HANDLERS(
            "exception.handlers",
            "true lets " + StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG + ", "
                    + StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG + ", "
                    + StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG + " and "
                    + StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG + " replace this product's "
                    + "handlers, which wait out a schema registry outage instead of dead-lettering good records, "
                    + "keep dead letters bounded and without credentials, and keep a bad grant from stopping the "
                    + "global thread.",
            List.of(
                    Guarded.ofProduct(
                            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, Safeguard.HANDLERS_REASON),
                    Guarded.ofProduct(
                            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, Safeguard.HANDLERS_REASON),
                    Guarded.ofProduct(
                            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, Safeguard.HANDLERS_REASON),
                    Guarded.ofProduct(
                            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG,
                            "grants are read by the global thread, and a bad grant record must not stop it"))),
    DEAD_LETTER_QUEUE(
            "dead.letter.queue",
            "true lets " + StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " name another topic than "
                    + CancelTopic.DLQ.configKey() + " does, the one create-topics creates and the start-up checks "
                    + "find; to dead-letter to another topic, set " + CancelTopic.DLQ.configKey() + " instead.",
            List.of(Guarded.ofProduct(
                    StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                    "dead letters go to the topic " + CancelTopic.DLQ.configKey() + " names, the one create-topics "
                            + "creates and the start-up checks find; set " + CancelTopic.DLQ.configKey()
                            + " to name another"))),
    TIMESTAMP_EXTRACTOR(
            "timestamp.extractor",
            "true lets " + StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG + " replace "
                    + WallclockTimestampExtractor.class.getSimpleName() + ": producers' record timestamps would then "
                    + "be those the processor writes, and a negative one cannot be written, brokers refuse a "
                    + "far-future one and retention deletes a far-past one from a changelog at once.",
            List.of(Guarded.ofProduct(
                    StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                    "producers' record timestamps would then be those the processor writes: a negative one cannot "
                            + "be written, brokers refuse a far-future one, retention deletes a far-past one from a "
                            + "changelog at once")));

    private static final String SWITCH_PREFIX = "cancel.unsafe.allow.";
    private static final String HANDLERS_REASON = "this product's handlers wait out a schema registry outage instead "
            + "of dead-lettering good records, and keep dead letters bounded and without credentials";

    private final String switchKey;
    private final String switchDoc;
    private final List<Guarded> guarded;

    Safeguard(String concern, String switchDoc, List<Guarded> guarded) {
        this.switchKey = SWITCH_PREFIX + concern;
        this.switchDoc = switchDoc;
        this.guarded = guarded;
    }

    /** The boolean setting that lets a user's setting replace the product's: off by default. */
    public String switchKey() {
        return switchKey;
    }

    /** What {@link #switchKey()} lets happen, and what that costs: its ConfigDef documentation. */
    public String switchDoc() {
        return switchDoc;
    }

    /**
     * Refuses the first user setting that would replace one of the product's safety settings without
     * its concern's switch.
     *
     * @param product the properties the product sets, before the user's settings are added
     * @throws ConfigException one line: the setting, its value, the value it would replace, why, and the switch
     */
    static void refuseReplacements(Map<?, ?> userSettings, Properties product, CancelProcessorConfig config) {
        for (Safeguard safeguard : values()) {
            if (config.getBoolean(safeguard.switchKey)) {
                continue;
            }
            for (Guarded guarded : safeguard.guarded) {
                Object set = userSettings.get(guarded.key());
                Object replaced = guarded.productValue().apply(product);
                if (set != null && !sameValue(set, replaced)) {
                    throw new ConfigException(
                            "Refusing " + guarded.key() + "=" + oneLine(set) + ", which would replace "
                                    + oneLine(replaced) + ": " + guarded.reason() + " (set " + safeguard.switchKey
                                    + "=true to run without it)");
                }
            }
        }
    }

    /** As Kafka reads them: names of classes, booleans in any case, other values as written (trimmed). */
    private static boolean sameValue(Object set, Object product) {
        String text = text(set);
        return product instanceof Boolean ? text.equalsIgnoreCase(product.toString()) : text.equals(text(product));
    }

    private static String text(Object value) {
        return (value instanceof Class<?> type ? type.getName() : String.valueOf(value)).trim();
    }

    private static String oneLine(Object value) {
        return text(value).replaceAll("\\p{Cntrl}", "?");
    }

    /** A setting the product sets, the value it sets it to, and why a replacement would be unsafe. */
    private record Guarded(String key, Function<Properties, Object> productValue, String reason) {

        static Guarded ofProduct(String key, String reason) {
            return new Guarded(key, product -> product.get(key), reason);
        }

        /** Kafka Streams' own isolation level under exactly_once_v2, which a prefixed setting would replace. */
        static Guarded readCommitted(String consumerPrefix) {
            return new Guarded(
                    consumerPrefix + ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    product -> IsolationLevel.READ_COMMITTED.toString(),
                    "this processor's at-most-one-CANCELLED guarantee needs " + StreamsConfig.EXACTLY_ONCE_V2
                            + ", whose consumers read committed records only");
        }
    }
}
