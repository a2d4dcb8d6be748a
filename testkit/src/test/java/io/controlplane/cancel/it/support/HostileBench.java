package io.controlplane.cancel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One processor JVM at a small heap on topics of its own (3 partitions each), with what a
 * hostile-input test needs around it: a typed producer for valid traffic, a raw one for anything
 * else, the outcomes read back read_committed, and the processor's consumer group and log.
 */
public final class HostileBench implements AutoCloseable {

    public static final String TENANT = "acme";
    /** Holds the required role for every tenant from the start. */
    public static final String ADMIN = "alice";

    public static final int PARTITIONS = 3;
    /** The most a dead letter may take (key, value and headers): the processor's max.request.size. */
    public static final int MAX_DEAD_LETTER_BYTES = StreamsProperties.MAX_PRODUCED_RECORD_BYTES;
    /** Generous for a 2-core machine shared with other builds; a healthy processor decides in seconds. */
    public static final Duration DECIDED_WITHIN = Duration.ofSeconds(45);
    /** What CancelProcessorApp logs each time a stream thread fails and is replaced. */
    static final String THREAD_REPLACED = "Stream thread failed";
    /**
     * None: the registry is up throughout, so nothing a producer writes may fail a stream thread (a bad
     * record is the exception handlers' to dead-letter), and a replacement means a record took the wrong path.
     */
    static final int MAX_REPLACEMENTS_PER_CASE = 0;

    private static final Duration QUIET = Duration.ofSeconds(2);

    public final Topics topics;
    public final CancelTraffic traffic;
    public final RawProducer raw;
    public final Outcomes outcomes;
    public final ProcessorJvm processor;
    public final int commandSchemaId;
    public final int runStateSchemaId;
    public final int grantSchemaId;
    private final Admin admin;
    private final String bootstrapServers;
    private final ProcessorGroup group;
    private final String applicationId;
    private long replacementsSettled;
    private int probes;

    private HostileBench(
            Topics topics,
            CancelTraffic traffic,
            RawProducer raw,
            Outcomes outcomes,
            ProcessorJvm processor,
            Admin admin,
            String bootstrapServers,
            String applicationId) {
        this.topics = topics;
        this.bootstrapServers = bootstrapServers;
        this.traffic = traffic;
        this.raw = raw;
        this.outcomes = outcomes;
        this.processor = processor;
        this.admin = admin;
        this.group = new ProcessorGroup(admin, applicationId);
        this.applicationId = applicationId;
        this.commandSchemaId = RawRecords.schemaId(topics.commands
                .valueSerde()
                .serializer()
                .serialize(
                        topics.commands.name(),
                        new CancelCommand("x", "x", ADMIN, null, Instant.now(), null, CancelMode.FORCE, null, null)));
        this.runStateSchemaId = RawRecords.schemaId(topics.runStates
                .valueSerde()
                .serializer()
                .serialize(
                        topics.runStates.name(),
                        new RunState("x", TENANT, RunStatus.RUNNING, 1L, Instant.now(), null, null)));
        this.grantSchemaId = RawRecords.schemaId(topics.operators
                .valueSerde()
                .serializer()
                .serialize(topics.operators.name(), new OperatorGrant(ADMIN, List.of("admin"), List.of("*"))));
    }

    /**
     * Topics and application.id named after {@code generation}, so that a later generation starts
     * clean if an earlier one was left stuck; commands for unknown runs are rejected after 2 s.
     */
    public static HostileBench start(RealBroker broker, int generation, String heap, Path logDir) throws Exception {
        String prefix = "hostile-" + generation;
        Map<String, Object> settings = TestSettings.processor(
                broker.bootstrapServers(), broker.registry().ccompatUrl());
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix);
        settings.put(CancelProcessorConfig.COMMANDS_TOPIC, prefix + ".commands");
        settings.put(CancelProcessorConfig.RUN_STATES_TOPIC, prefix + ".run-states");
        settings.put(CancelProcessorConfig.OPERATORS_TOPIC, prefix + ".operators");
        settings.put(CancelProcessorConfig.RUN_STATE_CHANGES_TOPIC, prefix + ".run-state-changes");
        settings.put(CancelProcessorConfig.REJECTIONS_TOPIC, prefix + ".rejections");
        settings.put(CancelProcessorConfig.DLQ_TOPIC, prefix + ".dlq");
        settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, "2000");
        assertThat(StreamsProperties.from(settings))
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        broker.kafka().createTopics(config, PARTITIONS);
        Topics topics = new Topics(config);
        CancelTraffic traffic = new CancelTraffic(broker.bootstrapServers(), topics);
        traffic.grant(ADMIN, List.of("admin"), List.of("*"));
        traffic.flush();
        ProcessorJvm processor = ProcessorJvm.launch(prefix, settings, logDir.resolve(prefix), heap);
        Admin admin = broker.kafka().admin();
        return new HostileBench(
                topics,
                traffic,
                new RawProducer(broker.bootstrapServers()),
                new Outcomes(broker.bootstrapServers(), topics),
                processor,
                admin,
                broker.bootstrapServers(),
                prefix);
    }

    /** A key that Kafka's Java client (murmur2) puts on {@code partition}. */
    public static String keyOn(String prefix, int partition) {
        for (int i = 0; ; i++) {
            String key = prefix + "-" + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS == partition) {
                return key;
            }
        }
    }

    /**
     * A valid cancel by {@link #ADMIN} of a running run on each partition: each is CANCELLED. The
     * cancels are sent once the processor has consumed the runs' states: a cancel read before the state
     * of its run (queued behind hostile run states) is rightly rejected as not found once the grace
     * (2 s here) runs out, which says nothing of whether the processor still decides.
     */
    public void validCancelsOnEveryPartitionAreDecided(String label) {
        List<String> executionIds = IntStream.range(0, PARTITIONS)
                .mapToObj(partition -> keyOn("valid-" + label + "-run", partition))
                .toList();
        executionIds.forEach(executionId -> traffic.runState(executionId, TENANT, RunStatus.RUNNING, 1));
        traffic.flush();
        await("lag 0 on the run-states topic, the valid runs' states included")
                .atMost(DECIDED_WITHIN)
                .until(() -> group.hasConsumedAll(List.of(topics.runStates.name())));
        List<String> commandIds = IntStream.range(0, PARTITIONS)
                .mapToObj(partition -> {
                    String commandId = "valid-" + label + "-" + partition;
                    traffic.cancel(commandId, executionIds.get(partition), ADMIN);
                    return commandId;
                })
                .toList();
        traffic.flush();
        outcomes.awaitUntil(
                () -> commandIds.stream()
                        .allMatch(id -> !outcomes.cancellationsOf(id).isEmpty()),
                DECIDED_WITHIN);
        assertThat(commandIds)
                .as(
                        "valid cancels after %s not CANCELLED within %s; rejected: %s (processor log: %s)",
                        label,
                        DECIDED_WITHIN,
                        commandIds.stream()
                                .flatMap(id -> outcomes.rejectionsOf(id).stream())
                                .toList(),
                        processor.log().toAbsolutePath())
                .allMatch(id -> !outcomes.cancellationsOf(id).isEmpty());
    }

    /**
     * A cancel by {@code actorId} of a fresh running run: "CANCELLED", or the rejection's code.
     * Grants are read by a thread of their own, so a test waits for a grant by repeating this.
     */
    public String decisionOnACancelBy(String actorId) {
        String executionId = "probe-run-" + probes;
        String commandId = "probe-" + actorId + "-" + probes++;
        traffic.runState(executionId, TENANT, RunStatus.RUNNING, 1);
        traffic.cancel(commandId, executionId, actorId);
        traffic.flush();
        outcomes.awaitUntil(
                () -> !outcomes.cancellationsOf(commandId).isEmpty()
                        || !outcomes.rejectionsOf(commandId).isEmpty(),
                DECIDED_WITHIN);
        if (!outcomes.cancellationsOf(commandId).isEmpty()) {
            return "CANCELLED";
        }
        return outcomes.rejectionsOf(commandId).stream()
                .findFirst()
                .map(rejection -> rejection.getCode().name())
                .orElse("undecided after " + DECIDED_WITHIN);
    }

    /** Sets one config of {@code topic}, as an operator would with kafka-configs.sh. */
    public void alterTopicConfig(String topic, String key, String value) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        admin.incrementalAlterConfigs(Map.of(
                        resource, List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
                .all()
                .get();
    }

    /** Records the processor re-keyed: the end offsets of its repartition topics, summed. */
    public long repartitionedRecords() throws Exception {
        List<String> repartition = admin.listTopics().names().get().stream()
                .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-repartition"))
                .toList();
        Map<TopicPartition, OffsetSpec> latest =
                admin.describeTopics(repartition).allTopicNames().get().values().stream()
                        .flatMap(topic -> topic.partitions().stream()
                                .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                        .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(ListOffsetsResultInfo::offset)
                .sum();
    }

    /** The one dead letter of the record {@code sent}, found by the error headers naming where it was read. */
    public ConsumerRecord<String, byte[]> deadLetterOf(RecordMetadata sent) {
        outcomes.awaitUntil(() -> !deadLettersOf(sent).isEmpty(), DECIDED_WITHIN);
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(sent);
        assertThat(dead)
                .as(
                        "dead letters of %s (processor log: %s)",
                        sent, processor.log().toAbsolutePath())
                .hasSize(1);
        return dead.get(0);
    }

    public List<ConsumerRecord<String, byte[]>> deadLettersOf(RecordMetadata sent) {
        return outcomes.deadLetters.stream()
                .filter(dead -> sent.topic().equals(header(dead, "__streams.errors.topic"))
                        && String.valueOf(sent.partition()).equals(header(dead, "__streams.errors.partition"))
                        && String.valueOf(sent.offset()).equals(header(dead, "__streams.errors.offset")))
                .toList();
    }

    /** The rejection carrying {@code traceId}, awaited. */
    public CancelRejection rejectionTraced(String traceId) {
        outcomes.awaitUntil(() -> rejectionsTraced(traceId).findAny().isPresent(), DECIDED_WITHIN);
        List<CancelRejection> rejections = rejectionsTraced(traceId).toList();
        assertThat(rejections)
                .as(
                        "rejections traced %s (processor log: %s)",
                        traceId, processor.log().toAbsolutePath())
                .hasSize(1);
        return rejections.get(0);
    }

    private Stream<CancelRejection> rejectionsTraced(String traceId) {
        return outcomes.rejections.stream().filter(rejection -> traceId.equals(rejection.getTraceId()));
    }

    /**
     * Everything the processor wrote, read once it has consumed every command and run state (lag 0;
     * under exactly-once its outputs are then committed): read_committed from the start of each output
     * partition to its end, so that a check that something is absent is not a check of what a poll
     * happened to return so far.
     */
    public Written written() throws Exception {
        await("lag 0 on the commands and run-states topics")
                .atMost(DECIDED_WITHIN)
                .until(() -> group.hasConsumedAll(List.of(topics.commands.name(), topics.runStates.name())));
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                4 * 1024 * 1024);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = Stream.of(
                            topics.runStateChanges.name(), topics.rejections.name(), topics.dlq)
                    .flatMap(topic -> IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed: the end is the last stable offset, after every committed record
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await("the outputs read to their end")
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .atMost(DECIDED_WITHIN)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                        return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
                    });
        }
        return new Written(topics, records);
    }

    /** Where each output partition ends now, as a read_committed subscriber sees it: what a case starts after. */
    public Map<TopicPartition, Long> outputEnds() throws Exception {
        return PartitionEnds.committed(
                admin,
                Stream.of(topics.runStateChanges.name(), topics.rejections.name(), topics.dlq)
                        .flatMap(topic -> IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)))
                        .toList());
    }

    /** What the processor wrote, as {@link #written()} read it: records with their headers, and decoded. */
    public record Written(Topics topics, List<ConsumerRecord<String, byte[]>> records) {

        /** Only what was written at or after {@code ends} (from {@link #outputEnds()}). */
        public Written since(Map<TopicPartition, Long> ends) {
            return new Written(
                    topics,
                    records.stream()
                            .filter(r -> r.offset() >= ends.get(new TopicPartition(r.topic(), r.partition())))
                            .toList());
        }

        public List<ConsumerRecord<String, byte[]>> deadLetters() {
            return records.stream().filter(r -> r.topic().equals(topics.dlq)).toList();
        }

        public List<RunStateChange> cancellations() {
            return records.stream()
                    .filter(r -> r.topic().equals(topics.runStateChanges.name()))
                    .map(r -> topics.runStateChanges.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                    .toList();
        }

        public List<CancelRejection> rejections() {
            return records.stream()
                    .filter(r -> r.topic().equals(topics.rejections.name()))
                    .map(r -> topics.rejections.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                    .toList();
        }

        /** The dead letters of the record at {@code source} ("topic-partition@offset"). */
        public List<ConsumerRecord<String, byte[]>> deadLettersOf(String source) {
            return deadLetters().stream()
                    .filter(dead -> source.equals(HostileBench.source(dead)))
                    .toList();
        }
    }

    /** "topic-partition@offset" of the record a dead letter stands for, from the error headers. */
    public static String source(ConsumerRecord<String, byte[]> deadLetter) {
        return header(deadLetter, "__streams.errors.topic") + "-" + header(deadLetter, "__streams.errors.partition")
                + "@" + header(deadLetter, "__streams.errors.offset");
    }

    /** "topic-partition@offset" of a record as it was written. */
    public static String source(RecordMetadata sent) {
        return sent.topic() + "-" + sent.partition() + "@" + sent.offset();
    }

    /**
     * After a case: the processor still runs, has consumed every command and run state (lag 0),
     * failed no stream thread on the way nor while idle, and every dead letter fits.
     */
    public void settled() throws Exception {
        assertThat(processor.isAlive())
                .as("processor JVM alive (log: %s)", processor.log().toAbsolutePath())
                .isTrue();
        await("lag 0 on the commands and run-states topics")
                .atMost(DECIDED_WITHIN)
                .until(() -> group.hasConsumedAll(List.of(topics.commands.name(), topics.runStates.name())));
        long replacements = threadReplacements();
        await("no stream thread replaced while idle")
                .during(QUIET)
                .atMost(QUIET.multipliedBy(3))
                .until(() -> threadReplacements() == replacements);
        assertThat(replacements - replacementsSettled)
                .as("stream threads replaced (log: %s)", processor.log().toAbsolutePath())
                .isLessThanOrEqualTo(MAX_REPLACEMENTS_PER_CASE);
        replacementsSettled = replacements;
        assertThat(written().deadLetters())
                .allSatisfy(dead -> assertThat(sizeOf(dead))
                        .as("dead letter of %s", source(dead))
                        .isLessThanOrEqualTo(MAX_DEAD_LETTER_BYTES));
    }

    public long threadReplacements() {
        try (Stream<String> lines = Files.lines(processor.log(), StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> line.contains(THREAD_REPLACED)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean logContains(String text) {
        try (Stream<String> lines = Files.lines(processor.log(), StandardCharsets.ISO_8859_1)) {
            return lines.anyMatch(line -> line.contains(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Key, value and headers as the producer counts them against max.request.size (less framing). */
    public static int sizeOf(ConsumerRecord<String, byte[]> record) {
        int size = Math.max(record.serializedKeySize(), 0) + Math.max(record.serializedValueSize(), 0);
        for (Header header : record.headers()) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length
                    + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        return Optional.ofNullable(record.headers().lastHeader(name))
                .map(header -> new String(header.value(), StandardCharsets.UTF_8))
                .orElse(null);
    }

    @Override
    public void close() throws Exception {
        if (processor.isAlive()) {
            processor.kill();
        }
        Utils.closeQuietly(outcomes, "outcomes");
        Utils.closeQuietly(raw, "raw producer");
        Utils.closeQuietly(traffic, "traffic");
        Utils.closeQuietly(admin, "admin");
    }
}
