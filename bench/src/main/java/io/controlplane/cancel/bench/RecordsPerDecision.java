package io.controlplane.cancel.bench;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.topology.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records the processor writes per decision of each kind, counted from outside: one
 * processor (as deployed, exactly_once_v2) with topics of its own is given 1,000 inputs of one kind
 * at a time; once it has committed them, the records committed since the step before in every topic
 * it writes (its outputs, and every topic named with its application id as prefix: changelogs,
 * repartition topics, whatever the topology calls them) are counted read_committed, and divided by
 * the 1,000.
 */
final class RecordsPerDecision {

    static final String PREFIX = "bench-records";
    static final int PER_KIND = 1_000;
    private static final long STALL_NANOS = 120_000_000_000L;
    private static final String ADMIN = "alice";
    private static final String VIEWER = "bob";
    private static final String TENANT = "acme";

    /** What one kind of input cost: the records in each topic written, per input of that kind. */
    record Cost(String figure, String unit, int inputs, Map<String, Long> perTopic) {

        long total() {
            return perTopic.values().stream().mapToLong(Long::longValue).sum();
        }

        double perInput() {
            return total() / (double) inputs;
        }

        /** "3.00 = a 1.00 + b 2.00" with the topics' names less the prefix. */
        String text() {
            String parts = perTopic.entrySet().stream()
                    .filter(e -> e.getValue() > 0)
                    .map(e -> String.format("%s %.2f", shortName(e.getKey()), e.getValue() / (double) inputs))
                    .collect(Collectors.joining(" + "));
            return String.format(
                    "%.2f%s (%,d %s, %,d records)",
                    perInput(), parts.isEmpty() ? "" : " = " + parts, inputs, unit, total());
        }
    }

    private final String bootstrapServers;
    private final Admin admin;
    private final Map<String, Object> settings;
    private final Path workDir;
    private final Topics topics;
    private final Set<String> inputs;
    private final Instant now = Instant.now();

    /** @param settings the processor's, application.id and processing.guarantee included; the topics are set here */
    RecordsPerDecision(String bootstrapServers, Admin admin, Map<String, Object> settings, Path workDir) {
        this.bootstrapServers = bootstrapServers;
        this.admin = admin;
        this.settings = ownTopics(settings, PREFIX);
        this.settings.put("application.id", PREFIX);
        this.workDir = workDir;
        CancelProcessorConfig config = new CancelProcessorConfig(this.settings);
        topics = new Topics(config);
        inputs = CancelTopic.ALL.stream()
                .filter(topic -> topic.direction() == CancelTopic.Direction.IN)
                .map(topic -> topic.name(config))
                .collect(Collectors.toSet());
    }

    /** {@code settings} with every topic the processor declares named {@code prefix}.{its default name}. */
    static Map<String, Object> ownTopics(Map<String, Object> settings, String prefix) {
        Map<String, Object> own = new HashMap<>(settings);
        CancelTopic.ALL.forEach(topic -> own.put(topic.configKey(), prefix + "." + topic.defaultName()));
        return own;
    }

    /** The costs, in the order measured; {@code started} is told of the processor JVM as soon as it runs. */
    List<Cost> measure(Consumer<ProcessorJvm> started) throws Exception {
        TopicLayout.create(admin, new CancelProcessorConfig(settings), Bench.PARTITIONS);
        try (KafkaProducer<String, byte[]> producer = Workload.producer(bootstrapServers)) {
            for (OperatorGrant grant : Workload.grants()) {
                Workload.send(producer, topics.operators, grant.getActorId(), grant);
            }
        }
        ProcessorJvm jvm = ProcessorJvm.launch(PREFIX, settings, workDir);
        started.accept(jvm);
        List<Cost> costs = new ArrayList<>();
        try (CommittedRecords counter = new CommittedRecords(bootstrapServers, admin, this::counted);
                KafkaProducer<String, byte[]> producer = Workload.producer(bootstrapServers)) {
            Steps steps = new Steps(jvm, counter, producer, inputPartitions());
            // whatever the processor writes as it starts, and the first records' one-off costs
            steps.cost("warm-up", "run states", 10, List.of(p -> runStates(p, "warm", 10, RunStatus.RUNNING, 1)));
            costs.add(steps.cost("run state of a new run", "run states", 3 * PER_KIND, List.of(p -> {
                runStates(p, "r", PER_KIND, RunStatus.QUEUED, 1);
                runStates(p, "u", PER_KIND, RunStatus.QUEUED, 1);
                runStates(p, "k", PER_KIND, RunStatus.QUEUED, 1);
            })));
            costs.add(steps.cost(
                    "run-state update, QUEUED to RUNNING (d)",
                    "run states",
                    PER_KIND,
                    List.of(p -> runStates(p, "r", PER_KIND, RunStatus.RUNNING, 2))));
            costs.add(steps.cost(
                    "accepted keyed cancel, the command alone (b)",
                    "commands",
                    PER_KIND,
                    List.of(p -> commands(p, "accepted", "r", ADMIN, true))));
            costs.add(steps.cost(
                    "duplicate of an accepted cancel",
                    "commands",
                    PER_KIND,
                    List.of(p -> commands(p, "accepted", "r", ADMIN, true))));
            costs.add(steps.cost(
                    "rejection, UNAUTHORIZED (c)",
                    "commands",
                    PER_KIND,
                    List.of(p -> commands(p, "unauthorized", "u", VIEWER, true))));
            costs.add(steps.cost(
                    "rejection, run already cancelled",
                    "commands",
                    PER_KIND,
                    List.of(p -> commands(p, "again", "r", ADMIN, true))));
            costs.add(steps.cost(
                    "accepted unkeyed cancel (repartitioned)",
                    "commands",
                    PER_KIND,
                    List.of(p -> commands(p, "unkeyed", "k", ADMIN, false))));
            costs.add(steps.cost(
                    "a run's state + an accepted keyed cancel of it (a)",
                    "runs",
                    PER_KIND,
                    List.of(
                            p -> runStates(p, "a", PER_KIND, RunStatus.RUNNING, 1),
                            p -> commands(p, "pair", "a", ADMIN, true))));
        } finally {
            jvm.stop();
        }
        return costs;
    }

    /**
     * Every partition of the inputs its consumer group reads: the commands and the run states (the
     * grants are read by the global thread, which commits nothing).
     */
    private Set<TopicPartition> inputPartitions() throws ExecutionException, InterruptedException {
        Set<TopicPartition> partitions = new HashSet<>();
        admin.describeTopics(List.of(topics.commands.name(), topics.runStates.name()))
                .allTopicNames()
                .get()
                .forEach((name, description) ->
                        description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
        return partitions;
    }

    /** The processor's own topics and its outputs: every topic with the prefix that it does not read. */
    private boolean counted(String topic) {
        return topic.startsWith(PREFIX) && !inputs.contains(topic);
    }

    private static String shortName(String topic) {
        return topic.substring(Math.min(topic.length(), PREFIX.length() + 1));
    }

    private void runStates(
            KafkaProducer<String, byte[]> producer, String runs, int count, RunStatus status, long version) {
        for (int i = 0; i < count; i++) {
            String executionId = runs + "-" + i;
            Workload.send(
                    producer,
                    topics.runStates,
                    executionId,
                    new RunState(executionId, TENANT, status, version, now, null, null));
        }
    }

    /** One command per run {@code runs}-i, with commandId {@code ids}-i; keyed by executionId or not at all. */
    private void commands(
            KafkaProducer<String, byte[]> producer, String ids, String runs, String actor, boolean keyed) {
        for (int i = 0; i < PER_KIND; i++) {
            String executionId = runs + "-" + i;
            String commandId = ids + "-" + i;
            Workload.send(
                    producer,
                    topics.commands,
                    keyed ? executionId : null,
                    new CancelCommand(
                            commandId, executionId, actor, "benchmark", now, commandId, CancelMode.FORCE, null, null));
        }
    }

    /** Sends inputs, waits until the processor has committed them, and counts what it wrote meanwhile. */
    private final class Steps {

        private final ProcessorJvm jvm;
        private final CommittedRecords counter;
        private final KafkaProducer<String, byte[]> producer;
        private final Set<TopicPartition> inputPartitions;
        private Map<String, Long> before;

        Steps(
                ProcessorJvm jvm,
                CommittedRecords counter,
                KafkaProducer<String, byte[]> producer,
                Set<TopicPartition> inputPartitions)
                throws Exception {
            this.jvm = jvm;
            this.inputPartitions = inputPartitions;
            this.counter = counter;
            this.producer = producer;
            before = counter.count();
        }

        /** Each step's inputs are consumed before the next step's are sent. */
        Cost cost(String figure, String unit, int count, List<Consumer<KafkaProducer<String, byte[]>>> sends)
                throws Exception {
            for (Consumer<KafkaProducer<String, byte[]>> send : sends) {
                send.accept(producer);
                producer.flush();
                awaitConsumed();
            }
            Map<String, Long> after = counter.count();
            Map<String, Long> written = new LinkedHashMap<>();
            after.forEach((topic, records) -> written.put(topic, records - before.getOrDefault(topic, 0L)));
            before = after;
            return new Cost(figure, unit, count, written);
        }

        /**
         * Until the processor's group has committed every partition it reads up to its end: the inputs,
         * and the topics it writes and reads back (a repartition topic), which are only seen once the
         * group has them assigned or has committed them. The topics it writes end with a transaction
         * marker that a consumer's committed offset may stop before, hence one offset of slack there:
         * a record not yet read leaves at least two (it and its marker).
         */
        private void awaitConsumed() throws Exception {
            Map<TopicPartition, Long> last = Map.of();
            long lastChange = System.nanoTime();
            while (true) {
                Map<TopicPartition, Long> committed = new HashMap<>();
                admin.listConsumerGroupOffsets(PREFIX)
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .forEach((partition, offset) -> {
                            if (offset != null) {
                                committed.put(partition, offset.offset());
                            }
                        });
                Set<TopicPartition> read = new HashSet<>(committed.keySet());
                read.addAll(inputPartitions);
                read.addAll(assigned());
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                read.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                                latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all()
                        .get();
                Map<TopicPartition, String> behind = new HashMap<>();
                for (TopicPartition partition : read) {
                    long at = committed.getOrDefault(partition, 0L);
                    long end = ends.get(partition).offset();
                    if (at < end - (counted(partition.topic()) ? 1 : 0)) {
                        behind.put(partition, at + "/" + end);
                    }
                }
                if (behind.isEmpty()) {
                    return;
                }
                if (!committed.equals(last)) {
                    last = committed;
                    lastChange = System.nanoTime();
                }
                if (!jvm.isAlive() || System.nanoTime() - lastChange > STALL_NANOS) {
                    throw new IllegalStateException("processor " + PREFIX + " stopped making progress, committed/end: "
                            + behind + " (see " + jvm.log() + ")");
                }
                Thread.sleep(50);
            }
        }

        /** The partitions assigned to the group's members now; none while it has none (or does not exist yet). */
        private Set<TopicPartition> assigned() throws InterruptedException {
            Set<TopicPartition> assigned = new HashSet<>();
            try {
                admin.describeConsumerGroups(List.of(PREFIX))
                        .all()
                        .get()
                        .get(PREFIX)
                        .members()
                        .forEach(member -> assigned.addAll(member.assignment().topicPartitions()));
            } catch (ExecutionException notThereYet) {
                // no member yet: the inputs' own partitions are waited for anyway
            }
            return assigned;
        }
    }
}
