package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.decision.GrantValidation;
import io.controlplane.cancel.decision.RunStateValidation;
import io.controlplane.cancel.errors.BadInputException;
import io.controlplane.cancel.serde.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Whatever bytes arrive as key and value on whichever input topic, with whatever timestamp, the
 * topology never throws, and every record ends as exactly one thing, checked record by record
 * against what that record left behind:
 *
 * <ul>
 *   <li>a command: an outcome, a rejection, a duplicate or a waiting command (the last two as the
 *       processor's metrics count them);
 *   <li>a run state: applied (the store then holds it), ignored as stale (the store unchanged, the
 *       ignored count up by one), or deleted by a tombstone;
 *   <li>a grant: kept if it is usable, and otherwise nothing kept for the actor its key names;
 *   <li>or, for a command or a run state, one dead letter, but only for a reason of the record's
 *       own: it cannot be decoded, or it is not a usable record of its kind. A dead letter of the
 *       processor's own failure (a NullPointerException, say) is a bug, not an ending.
 * </ul>
 *
 * Cancellations cascaded to a run's children (CascadeTopologyTest) are not the record's own ending,
 * and the commands a run state wakes end each as a command does.
 */
class AnyInputProperties {

    /** At least once: see DeadLetterQueueTest on why the driver needs it to show dead letters. */
    private static final Map<String, Object> SETTINGS = Map.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.AT_LEAST_ONCE,
            CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE,
            true);

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");
    private static final long YEAR_9999 =
            LocalDate.of(9999, 12, 31).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();

    private enum Input {
        COMMAND,
        RUN_STATE,
        GRANT
    }

    /** One record: the topic, how its key and value are made, and the timestamp its producer gave it. */
    record Arrival(Input input, KeyRecipe key, ValueRecipe value, long timestamp) {}

    /** The given bytes (null = no key), or, if {@code own}, the id the value's record is keyed by. */
    record KeyRecipe(byte[] given, boolean own) {}

    /** Noise, or a valid record of some input's schema (null = noise) mutated; a null recipe is a tombstone. */
    record ValueRecipe(Object valid, byte[] noise, int mutations, long seed) {}

    @Property(tries = 60)
    void everyRecordOnAnyInputEndsAsExactlyOneThingForAReasonOfItsOwn(@ForAll("arrivals") List<Arrival> arrivals) {
        try (CancelDriver cancel = new CancelDriver(SETTINGS)) {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            Witness witness = new Witness(cancel);
            for (Arrival arrival : arrivals) {
                witness.check(arrival);
            }
        }
    }

    /** Pipes arrivals into one driver and checks, for each, what it left behind. */
    private static final class Witness {

        private final CancelDriver cancel;
        private final Map<Input, TestInputTopic<byte[], byte[]>> topics;
        private final HeldExecutions held;
        private final KeyValueStore<String, byte[]> grants;
        private final List<ConsumerInterceptor<byte[], byte[]>> globalInterceptors = globalConsumerInterceptors();

        Witness(CancelDriver cancel) {
            this.cancel = cancel;
            topics = Map.of(
                    Input.COMMAND, raw(cancel.topics.commands.name()),
                    Input.RUN_STATE, raw(cancel.topics.runStates.name()),
                    Input.GRANT, raw(cancel.topics.operators.name()));
            held = new HeldExecutions(cancel.driver);
            grants = cancel.driver.getKeyValueStore(CancelStores.OPERATOR_GRANTS);
        }

        void check(Arrival arrival) {
            ValueRecipe recipe = arrival.value();
            byte[] value = value(cancel, recipe);
            byte[] keyBytes = arrival.key().own()
                    ? bytes(ownKey(recipe == null ? null : recipe.valid()))
                    : arrival.key().given();
            String key = Topics.KEY_SERDE.deserializer().deserialize(topic(arrival.input()), keyBytes);
            String record = String.format(
                    "%s record (key %s, value %s, timestamp %d)",
                    arrival.input(), hex(keyBytes), hex(value), arrival.timestamp());

            RunState heldBefore = key == null ? null : held.upstream(key);
            Map<String, String> grantsBefore = grantsHeld();
            int waitingBefore = held.waitingCommands();
            double duplicatesBefore = metric("duplicate-total");
            double waitsBefore = metric("waiting-total");
            double ignoredBefore = metric("run-state-ignored-total");

            long timestamp = arrival.input() == Input.GRANT
                    ? asTheGlobalConsumerHandsItOn(arrival.timestamp())
                    : arrival.timestamp();
            topics.get(arrival.input()).pipeInput(keyBytes, value, Instant.ofEpochMilli(timestamp));

            List<TestRecord<String, RunStateChange>> changes = cancel.changes().stream()
                    .filter(change -> change.value().getCascadedFrom() == null)
                    .toList();
            List<TestRecord<String, CancelRejection>> rejections = cancel.rejections();
            List<TestRecord<String, byte[]>> deadLetters = cancel.read(cancel.topics.dlq, new ByteArrayDeserializer());
            int outputs = changes.size() + rejections.size();
            int duplicates = (int) (metric("duplicate-total") - duplicatesBefore);
            int waits = (int) (metric("waiting-total") - waitsBefore);
            int ignored = (int) (metric("run-state-ignored-total") - ignoredBefore);
            int nowWaiting = held.waitingCommands();

            Decoded decoded = decode(arrival.input(), value);
            String inputReason = inputReason(arrival.input(), key, decoded);
            for (TestRecord<String, byte[]> deadLetter : deadLetters) {
                assertThat(header(deadLetter, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME))
                        .as(
                                "why the %s was dead-lettered (%s); %s",
                                record,
                                header(deadLetter, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME),
                                inputReason == null
                                        ? "the record gives no reason to dead-letter it"
                                        : "the record's own reason is " + inputReason)
                        .isEqualTo(inputReason);
            }

            switch (arrival.input()) {
                case COMMAND -> {
                    assertThat(outputs + duplicates + waits + ignored + deadLetters.size())
                            .as(
                                    "endings of the %s: %d changes, %d rejections, %d duplicates, %d waits,"
                                            + " %d ignored run states, %d dead letters",
                                    record,
                                    changes.size(),
                                    rejections.size(),
                                    duplicates,
                                    waits,
                                    ignored,
                                    deadLetters.size())
                            .isEqualTo(1);
                    assertThat(nowWaiting - waitingBefore)
                            .as("commands waiting after the %s, counted as %d waits", record, waits)
                            .isEqualTo(waits);
                }
                case RUN_STATE -> {
                    RunState heldAfter = key == null ? null : held.upstream(key);
                    RunState update = decoded.failed() ? null : (RunState) decoded.value();
                    boolean usable = inputReason == null;
                    boolean applied = usable && update != null && update.equals(heldAfter) && ignored == 0;
                    boolean ignoredAsStale = usable
                            && update != null
                            && ignored == 1
                            && heldBefore != null
                            && heldBefore.equals(heldAfter);
                    boolean deleted = usable && update == null && heldAfter == null && ignored == 0;
                    boolean deadLettered = deadLetters.size() == 1 && Objects.equals(heldBefore, heldAfter);
                    assertThat(List.of(applied, ignoredAsStale, deleted, deadLettered).stream()
                                    .filter(ending -> ending)
                                    .count())
                            .as(
                                    "endings of the %s: applied %s, ignored as stale %s, deleted %s,"
                                            + " dead-lettered %s (%d dead letters); held before %s, after %s",
                                    record,
                                    applied,
                                    ignoredAsStale,
                                    deleted,
                                    deadLettered,
                                    deadLetters.size(),
                                    heldBefore,
                                    heldAfter)
                            .isEqualTo(1);
                    // what it wakes are commands, each of which ends once
                    assertThat(outputs)
                            .as(
                                    "outcomes after the %s, which woke %d waiting commands",
                                    record, waitingBefore - nowWaiting)
                            .isEqualTo(waitingBefore - nowWaiting);
                    assertThat(duplicates + waits)
                            .as("commands counted after the %s", record)
                            .isZero();
                }
                case GRANT -> {
                    assertThat(outputs + duplicates + waits + ignored + deadLetters.size())
                            .as("what the %s produced", record)
                            .isZero();
                    Map<String, String> expected = new HashMap<>(grantsBefore);
                    if (key != null) {
                        if (usableGrant(key, decoded)) {
                            expected.put(key, hex(value));
                        } else {
                            expected.remove(key);
                        }
                    }
                    assertThat(grantsHeld())
                            .as("grants held after the %s", record)
                            .isEqualTo(expected);
                }
            }
        }

        /**
         * Why the record itself may be dead-lettered, as the name of the exception that says so, or
         * null if nothing about it is a reason to.
         */
        private static String inputReason(Input input, String key, Decoded decoded) {
            if (decoded.failed()) {
                return UndecodableRecordException.class.getName();
            }
            return switch (input) {
                // a command without a value: CancelCommandProcessor has nothing to decide
                case COMMAND -> decoded.value() == null ? BadInputException.class.getName() : null;
                case RUN_STATE ->
                    RunStateValidation.problem(key, (RunState) decoded.value()).isPresent()
                            ? InvalidRunStateException.class.getName()
                            : null;
                // a grant that cannot be decoded or trusted revokes (GrantUpdater): never a dead letter
                case GRANT -> null;
            };
        }

        private static boolean usableGrant(String key, Decoded decoded) {
            return !decoded.failed()
                    && decoded.value() instanceof OperatorGrant grant
                    && GrantValidation.problem(key, grant).isEmpty();
        }

        /** The value as the input's own deserializer reads it. */
        private Decoded decode(Input input, byte[] value) {
            try {
                Object decoded = switch (input) {
                    case COMMAND ->
                        cancel.topics.commands.valueSerde().deserializer().deserialize(topic(input), value);
                    case RUN_STATE ->
                        cancel.topics.runStates.valueSerde().deserializer().deserialize(topic(input), value);
                    case GRANT ->
                        cancel.topics.operators.valueSerde().deserializer().deserialize(topic(input), value);
                };
                return new Decoded(decoded, false);
            } catch (SerializationException e) {
                return new Decoded(null, true);
            }
        }

        private String topic(Input input) {
            return switch (input) {
                case COMMAND -> cancel.topics.commands.name();
                case RUN_STATE -> cancel.topics.runStates.name();
                case GRANT -> cancel.topics.operators.name();
            };
        }

        /**
         * The timestamp a grant reaches the global thread with. The driver feeds the global store
         * directly, without the consumer whose interceptors the application configures: a real
         * consumer first runs them (NegativeTimestampInterceptor), so this does too.
         */
        private long asTheGlobalConsumerHandsItOn(long timestamp) {
            String topic = cancel.topics.operators.name();
            TopicPartition partition = new TopicPartition(topic, 0);
            ConsumerRecords<byte[], byte[]> records = new ConsumerRecords<>(
                    Map.of(
                            partition,
                            List.of(new ConsumerRecord<>(
                                    topic,
                                    0,
                                    0,
                                    timestamp,
                                    TimestampType.CREATE_TIME,
                                    0,
                                    0,
                                    null,
                                    null,
                                    new RecordHeaders(),
                                    Optional.empty()))),
                    Map.of());
            for (ConsumerInterceptor<byte[], byte[]> interceptor : globalInterceptors) {
                records = interceptor.onConsume(records);
            }
            return records.iterator().next().timestamp();
        }

        private Map<String, String> grantsHeld() {
            Map<String, String> held = new HashMap<>();
            try (KeyValueIterator<String, byte[]> all = grants.all()) {
                all.forEachRemaining(grant -> held.put(grant.key, hex(grant.value)));
            }
            return held;
        }

        /** Decisions and ignored run states that produce no record, as the processor's metrics count them. */
        private double metric(String name) {
            double sum = 0;
            for (Map.Entry<MetricName, ? extends Metric> metric :
                    cancel.driver.metrics().entrySet()) {
                MetricName metricName = metric.getKey();
                if (metricName.group().equals("stream-" + DecisionMetrics.SCOPE + "-metrics")
                        && metricName.name().equals(name)) {
                    sum += ((Number) metric.getValue().metricValue()).doubleValue();
                }
            }
            return sum;
        }

        private TestInputTopic<byte[], byte[]> raw(String topic) {
            return cancel.driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        }
    }

    /** What a value decodes to (null: a tombstone), or that it does not decode. */
    private record Decoded(Object value, boolean failed) {}

    /** The interceptors the application gives the global (grants) consumer. */
    @SuppressWarnings("unchecked")
    private static List<ConsumerInterceptor<byte[], byte[]>> globalConsumerInterceptors() {
        Object configured = StreamsProperties.from(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092"))
                .getOrDefault(StreamsConfig.globalConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG), "");
        List<ConsumerInterceptor<byte[], byte[]>> interceptors = new ArrayList<>();
        for (String name : String.valueOf(configured).split(",")) {
            if (name.isBlank()) {
                continue;
            }
            try {
                interceptors.add((ConsumerInterceptor<byte[], byte[]>)
                        Class.forName(name.trim()).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot make the global consumer's interceptor " + name, e);
            }
        }
        return interceptors;
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? "null" : HexFormat.of().formatHex(bytes);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The id a record is keyed by on its own topic; noise has none, and goes under a run's. */
    private static String ownKey(Object valid) {
        if (valid instanceof CancelCommand command) {
            return command.getExecutionId();
        }
        if (valid instanceof RunState state) {
            return state.getExecutionId();
        }
        if (valid instanceof OperatorGrant grant) {
            return grant.getActorId();
        }
        return "run-1";
    }

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        Arbitrary<KeyRecipe> keys = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(new KeyRecipe(null, true))),
                Tuple.of(1, Arbitraries.just(new KeyRecipe(null, false))),
                Tuple.of(
                        3,
                        Arbitraries.of("run-1", "run-2", "alice", "bob", "a\u0000b", "")
                                .map(key -> new KeyRecipe(bytes(key), false))),
                Tuple.of(
                        1,
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(key -> new KeyRecipe(key, false))));
        return Arbitraries.of(Input.class)
                .flatMap(input -> Combinators.combine(keys, values(input), timestamps())
                        .as((key, value, timestamp) -> new Arrival(input, key, value, timestamp)))
                .list()
                .ofMinSize(1)
                .ofMaxSize(30)
                .withSizeDistribution(RandomDistribution.uniform());
    }

    /**
     * A producer sets a record's timestamp, so any: the processor must read every record on its own
     * clock, and neither a negative nor a far-future timestamp may stop it or reach what it writes.
     */
    private static Arbitrary<Long> timestamps() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        2,
                        Arbitraries.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, YEAR_9999, Long.MAX_VALUE - 1)),
                Tuple.of(1, Arbitraries.longs()),
                Tuple.of(1, Arbitraries.longs().between(-1_000, 0)),
                Tuple.of(2, Arbitraries.longs().between(0, 4_102_444_800_000L)));
    }

    /** Mostly a record of the input's own schema, so that most records get past decoding, some mutated. */
    private static Arbitrary<ValueRecipe> values(Input input) {
        Arbitrary<Object> valid = Arbitraries.frequencyOf(
                Tuple.of(4, validRecord(input)),
                Tuple.of(1, Arbitraries.of(Input.class).flatMap(AnyInputProperties::validRecord)));
        Arbitrary<Integer> mutations = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.integers().between(1, 4)));
        return Arbitraries.frequencyOf(
                Tuple.of(
                        16,
                        Combinators.combine(valid, mutations, Arbitraries.longs())
                                .as((record, count, seed) -> new ValueRecipe(record, null, count, seed))),
                Tuple.of(
                        3,
                        Arbitraries.bytes()
                                .array(byte[].class)
                                .ofMaxSize(64)
                                .map(noise -> new ValueRecipe(null, noise, 0, 0))),
                Tuple.of(1, Arbitraries.<ValueRecipe>just(null)));
    }

    /** Few ids, so that records meet: a command its run and its actor's grant, a run state an older one. */
    private static Arbitrary<Object> validRecord(Input input) {
        Arbitrary<String> runs = ids("run-1", "run-2", "run-3");
        Arbitrary<String> actors = ids("alice", "bob");
        return switch (input) {
            case COMMAND ->
                Combinators.combine(
                                Arbitraries.frequencyOf(
                                        Tuple.of(
                                                9,
                                                Arbitraries.integers()
                                                        .between(1, 20)
                                                        .map(n -> "c-" + n)),
                                        Tuple.of(1, unusableIds())),
                                runs,
                                actors)
                        .as((id, run, actor) ->
                                new CancelCommand(id, run, actor, "why", AT, "t-" + id, CancelMode.FORCE, null, null));
            case RUN_STATE ->
                Combinators.combine(
                                runs,
                                Arbitraries.of(CancelDriver.TENANT, "tenant-b"),
                                Arbitraries.of(RunStatus.class),
                                Arbitraries.longs().between(0, 9),
                                runs.injectNull(0.8))
                        .as((run, tenant, status, version, parent) ->
                                new RunState(run, tenant, status, version, AT, parent, null));
            case GRANT ->
                Combinators.combine(
                                actors,
                                Arbitraries.of(List.of("admin"), List.of("viewer"), List.<String>of()),
                                Arbitraries.of(List.of(CancelDriver.TENANT), List.of("*"), List.<String>of()))
                        .as(OperatorGrant::new);
        };
    }

    /** Mostly the given ids, now and then one that no record may carry. */
    private static Arbitrary<String> ids(String... usual) {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.of(usual)), Tuple.of(1, unusableIds()));
    }

    /** Blank, over-long (CancelPolicy.MAX_ID_LENGTH), or with a control character. */
    private static Arbitrary<String> unusableIds() {
        return Arbitraries.of("", " ", "run-1\u0000x", "al\u001bice", "r".repeat(257));
    }

    /**
     * The bytes a recipe makes: noise, or a valid record framed with the driver's own registry, so
     * that its mutations get past the framing and reach the Avro decoder.
     */
    private static byte[] value(CancelDriver cancel, ValueRecipe recipe) {
        if (recipe == null) {
            return null;
        }
        if (recipe.valid() == null) {
            return recipe.noise();
        }
        byte[] bytes;
        if (recipe.valid() instanceof CancelCommand command) {
            bytes = serialize(cancel.topics.commands, command);
        } else if (recipe.valid() instanceof RunState state) {
            bytes = serialize(cancel.topics.runStates, state);
        } else {
            bytes = serialize(cancel.topics.operators, (OperatorGrant) recipe.valid());
        }
        Random random = new Random(recipe.seed());
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
