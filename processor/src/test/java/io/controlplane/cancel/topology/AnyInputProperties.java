package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Whatever bytes arrive as key and value on whichever input topic, the topology never throws, and
 * every record ends as exactly one thing: an outcome, a rejection, a dead letter, a dedup-drop, a
 * waiting command, an applied or ignored run state, or (for grants) a grant kept or revoked.
 * Cancellations cascaded to a run's children (CascadeTopologyTest) are not the record's own ending.
 */
class AnyInputProperties {

    private enum Input {
        COMMAND,
        RUN_STATE,
        GRANT
    }

    /** One record: the topic, its key bytes (null = no key) and value bytes (null = tombstone). */
    record Arrival(Input input, byte[] key, ValueRecipe value, long timestamp) {}

    /** How a value is made: any bytes, or a valid record of some input's schema, then mutated. */
    record ValueRecipe(int schema, byte[] noise, int mutations, long seed) {}

    @Property(tries = 60)
    void anyRecordOnAnyInputEndsAsExactlyOneThingAndNeverAsAnException(@ForAll("arrivals") List<Arrival> arrivals) {
        // at least once: see DeadLetterQueueTest on why the driver needs it to show dead letters
        try (CancelDriver cancel =
                new CancelDriver(Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE))) {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            Map<Input, TestInputTopic<byte[], byte[]>> topics = Map.of(
                    Input.COMMAND, raw(cancel, cancel.topics.commands.name()),
                    Input.RUN_STATE, raw(cancel, cancel.topics.runStates.name()),
                    Input.GRANT, raw(cancel, cancel.topics.operators.name()));
            KeyValueStore<String, RunState> runStates = cancel.driver.getKeyValueStore(CancelStores.RUN_STATES);
            KeyValueStore<String, byte[]> grants = cancel.driver.getKeyValueStore(CancelStores.OPERATOR_GRANTS);

            for (Arrival arrival : arrivals) {
                byte[] value = value(cancel, arrival.value());
                double before = endings(cancel);
                topics.get(arrival.input()).pipeInput(arrival.key(), value, Instant.ofEpochMilli(arrival.timestamp()));
                // a cancellation may cascade to the run's children: those are their endings, not the record's
                int outputs = (int) cancel.changes().stream()
                                .filter(change -> change.value().getCascadedFrom() == null)
                                .count()
                        + cancel.rejections().size()
                        + cancel.read(cancel.topics.dlq, new ByteArrayDeserializer())
                                .size();
                double counted = endings(cancel) - before;
                String key = arrival.key() == null ? null : new String(arrival.key(), StandardCharsets.UTF_8);
                switch (arrival.input()) {
                    case COMMAND ->
                        assertThat(outputs + counted).as("command endings").isEqualTo(1);
                    case RUN_STATE -> {
                        boolean applied = outputs == 0
                                && counted == 0
                                && key != null
                                // an empty value decodes as no value: a tombstone
                                && (value == null || value.length == 0 || runStates.get(key) != null);
                        // a run state can also wake waiting commands, each of which then ends
                        assertThat(applied || outputs + counted >= 1)
                                .as("run-state endings of key %s value %s", key, hex(value))
                                .isTrue();
                    }
                    case GRANT -> {
                        assertThat(outputs + counted)
                                .as("grants produce nothing")
                                .isZero();
                        if (key != null && grants.get(key) != null && value != null) {
                            assertThat(grants.get(key)).isEqualTo(value);
                        }
                    }
                }
            }
        }
    }

    /** Decisions and ignored run states that produce no record, as the processor's metrics count them. */
    private static double endings(CancelDriver cancel) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric :
                cancel.driver.metrics().entrySet()) {
            MetricName name = metric.getKey();
            if (name.group().equals("stream-" + DecisionMetrics.SCOPE + "-metrics")
                    && List.of("duplicate-total", "waiting-total", "run-state-ignored-total")
                            .contains(name.name())) {
                sum += ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? "null" : java.util.HexFormat.of().formatHex(bytes);
    }

    private static TestInputTopic<byte[], byte[]> raw(CancelDriver cancel, String topic) {
        return cancel.driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        Arbitrary<byte[]> keys = Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.of("run-1", "run-2", "alice", "a\u0000b").map(k -> k.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
        Arbitrary<ValueRecipe> recipes = Combinators.combine(
                        Arbitraries.integers().between(-1, 2),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.longs())
                .as(ValueRecipe::new);
        Arbitrary<Long> timestamps = Arbitraries.oneOf(
                Arbitraries.longs().between(-1_000, 0), Arbitraries.longs().between(0, 4_102_444_800_000L));
        return Combinators.combine(Arbitraries.of(Input.class), keys, recipes.injectNull(0.05), timestamps)
                .as(Arrival::new)
                // The global thread has no timestamp extractor; a real broker's consumer gets a
                // NegativeTimestampInterceptor for it, which the driver does not run (HostileInputIT).
                .filter(arrival -> arrival.input() != Input.GRANT || arrival.timestamp() >= 0)
                .list()
                .ofMinSize(1)
                .ofMaxSize(25);
    }

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");
    private static final List<Object> VALID = List.of(
            new CancelCommand("c-1", "run-1", "alice", "why", AT, "t-1"),
            new RunState("run-1", CancelDriver.TENANT, RunStatus.PAUSED, 7L, AT, null),
            new OperatorGrant("alice", List.of("admin"), List.of("*")));

    /**
     * The bytes a recipe makes: noise, or a valid record framed with the driver's own registry, so
     * that its mutations get past the framing and reach the Avro decoder.
     */
    private static byte[] value(CancelDriver cancel, ValueRecipe recipe) {
        if (recipe == null) {
            return null;
        }
        if (recipe.schema() < 0) {
            return recipe.noise();
        }
        byte[] valid = switch (recipe.schema()) {
            case 0 -> serialize(cancel.topics.commands, (CancelCommand) VALID.get(0));
            case 1 -> serialize(cancel.topics.runStates, (RunState) VALID.get(1));
            default -> serialize(cancel.topics.operators, (OperatorGrant) VALID.get(2));
        };
        Random random = new Random(recipe.seed());
        byte[] bytes = valid;
        for (int i = 0; i < recipe.mutations(); i++) {
            bytes = mutate(bytes, random);
        }
        return bytes;
    }

    private static <V> byte[] serialize(Topics.Topic<V> topic, V value) {
        Serializer<V> serializer = topic.valueSerde().serializer();
        return serializer.serialize(topic.name(), value);
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        if (bytes.length == 0) {
            return new byte[] {(byte) random.nextInt()};
        }
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(4)) {
            case 0 -> { // flip a bit
                byte[] flipped = bytes.clone();
                flipped[at] ^= (byte) (1 << random.nextInt(8));
                yield flipped;
            }
            case 1 -> Arrays.copyOf(bytes, at); // truncate
            case 2 -> { // a long varint where a length may be: claims a huge string, array or map
                byte[] grown = Arrays.copyOf(bytes, bytes.length + 4);
                System.arraycopy(bytes, at, grown, at + 4, bytes.length - at);
                grown[at] = (byte) 0xfe;
                grown[at + 1] = (byte) 0xff;
                grown[at + 2] = (byte) 0xff;
                grown[at + 3] = (byte) 0x0f;
                yield grown;
            }
            default -> { // insert a random byte
                byte[] grown = Arrays.copyOf(bytes, bytes.length + 1);
                System.arraycopy(bytes, at, grown, at + 1, bytes.length - at);
                grown[at] = (byte) random.nextInt();
                yield grown;
            }
        };
    }
}
