package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.HostileBench;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorJvm;
import io.controlplane.cancel.it.support.ProcessorJvms;
import io.controlplane.cancel.it.support.RawProducer;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.testkit.RestSchemaRegistryServer;
import io.controlplane.cancel.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Grants and run states whose record timestamps are negative, far past or far future, against the
 * packaged processor on a real broker: they are in force, and stay so through a restart on the same
 * state directory and through a start on an empty one (which reads every grant again from the start
 * of the topic). A grant with a negative timestamp once killed the grants' global thread, and with
 * it the processor, on every start that read it: NegativeTimestampInterceptor is why it no longer does.
 */
class TimestampsAcrossRestartsIT {

    private static final int PARTITIONS = HostileBench.PARTITIONS;
    private static final String TENANT = "tenant-a";
    private static final Duration DECIDED_WITHIN = Duration.ofSeconds(60);
    /** Long enough for a dying global thread to take the processor down. */
    private static final Duration ALIVE_FOR = Duration.ofSeconds(5);

    @RegisterExtension
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    final ProcessorJvms jvms = new ProcessorJvms();

    @Test
    void grantsAndRunStatesWithNegativeFarPastAndFarFutureTimestampsHoldThroughRestarts() throws Exception {
        Map<String, Long> timestamps = new LinkedHashMap<>();
        // the record format's "no timestamp", as librdkafka-based producers write it
        timestamps.put("negative", -1L);
        timestamps.put("zero", 0L);
        timestamps.put(
                "year-1971",
                ZonedDateTime.of(1971, 6, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli());
        timestamps.put(
                "year-2100",
                ZonedDateTime.of(2100, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli());
        try (RestSchemaRegistryServer registry = RestSchemaRegistryServer.start();
                Admin admin = broker.kafka().admin()) {
            Map<String, Object> settings = ProcessorJvms.settings(broker.kafka().bootstrapServers(), registry.url());
            // topics and a group of its own on the shared broker
            TestSettings.ownNames(settings, TestSettings.uniquePrefix("timestamps"));
            CancelProcessorConfig config = new CancelProcessorConfig(settings);
            TopicLayout.create(admin, config, PARTITIONS);
            Topics topics = new Topics(config);
            // The broker's default takes create times up to a year ahead only; one set to take more
            // must not let a producer's clock decide anything either.
            for (String topic : List.of(topics.operators.name(), topics.runStates.name())) {
                admin.incrementalAlterConfigs(Map.of(
                                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                                List.of(new AlterConfigOp(
                                        new ConfigEntry(
                                                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                                                String.valueOf(Long.MAX_VALUE)),
                                        AlterConfigOp.OpType.SET))))
                        .all()
                        .get();
            }
            try (CancelTraffic traffic = new CancelTraffic(broker.kafka().bootstrapServers(), topics);
                    RawProducer raw = new RawProducer(broker.kafka().bootstrapServers());
                    Outcomes outcomes = new Outcomes(broker.kafka().bootstrapServers(), topics)) {
                // Written before the first start, so read while the processor starts (grants: while it
                // builds its global store, before any command is decided).
                write(raw, topics, timestamps, "early");
                ProcessorJvm processor = jvms.start("processor", settings);
                assertDecided(outcomes, cancelsOfEach(traffic, timestamps.keySet(), "early", "first"), processor);

                // Written while it runs, so read by its running threads.
                write(raw, topics, timestamps, "live");
                for (String kind : timestamps.keySet()) {
                    awaitInForce(traffic, outcomes, kind + "-live-admin");
                }
                assertDecided(outcomes, cancelsOfEach(traffic, timestamps.keySet(), "live", "first"), processor);

                processor.kill();
                processor = jvms.start("processor", settings);
                assertDecided(outcomes, afterStart(traffic, timestamps.keySet(), "restarted"), processor);

                // An empty state directory: every grant is read again from the start of the topic.
                processor.kill();
                processor = jvms.start("fresh", settings);
                assertDecided(outcomes, afterStart(traffic, timestamps.keySet(), "fresh"), processor);
            }
        }
    }

    /** For each kind of timestamp: a grant of admin to "{kind}-{label}-admin", and a running run per partition. */
    private static void write(RawProducer raw, Topics topics, Map<String, Long> timestamps, String label)
            throws Exception {
        for (Map.Entry<String, Long> timestamp : timestamps.entrySet()) {
            String actor = timestamp.getKey() + "-" + label + "-admin";
            send(
                    raw,
                    topics.operators.name(),
                    actor,
                    timestamp.getValue(),
                    topics.operators
                            .valueSerde()
                            .serializer()
                            .serialize(
                                    topics.operators.name(),
                                    new OperatorGrant(actor, List.of("admin"), List.of(TENANT))));
            for (String run : runs(timestamp.getKey(), label)) {
                send(
                        raw,
                        topics.runStates.name(),
                        run,
                        timestamp.getValue(),
                        topics.runStates
                                .valueSerde()
                                .serializer()
                                .serialize(
                                        topics.runStates.name(),
                                        new RunState(run, TENANT, RunStatus.RUNNING, 1L, Instant.now(), null, null)));
            }
        }
    }

    /** A run on each partition. */
    private static List<String> runs(String kind, String label) {
        return IntStream.range(0, PARTITIONS)
                .mapToObj(partition -> HostileBench.keyOn(kind + "-" + label + "-run", partition))
                .toList();
    }

    /** A cancel of each run {@link #write} wrote under {@code label}, by the actor of its kind: each CANCELLED. */
    private static Map<String, String> cancelsOfEach(
            CancelTraffic traffic, Iterable<String> kinds, String label, String commandPrefix) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String kind : kinds) {
            for (String run : runs(kind, label)) {
                expected.put(
                        cancel(traffic, commandPrefix + "-" + run, run, kind + "-" + label + "-admin"), "CANCELLED");
            }
        }
        return expected;
    }

    /**
     * Cancels after a start, for the runs and grants written before the first start and while it ran: of
     * each run cancelled before (ALREADY_TERMINAL: its state came through), and of a new run by each actor
     * (CANCELLED: its grant came through).
     */
    private static Map<String, String> afterStart(CancelTraffic traffic, Iterable<String> kinds, String start) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String label : List.of("early", "live")) {
            for (String kind : kinds) {
                String actor = kind + "-" + label + "-admin";
                for (String run : runs(kind, label)) {
                    expected.put(
                            cancel(traffic, start + "-again-" + run, run, actor),
                            RejectionCode.ALREADY_TERMINAL.name());
                    String newRun = start + "-" + run;
                    traffic.runState(newRun, TENANT, RunStatus.RUNNING, 1);
                    expected.put(cancel(traffic, start + "-" + run, newRun, actor), "CANCELLED");
                }
            }
        }
        return expected;
    }

    /**
     * Waits until {@code actorId}'s grant is in force: grants are read by a thread of their own, so a
     * cancel written after a grant may be decided before it is read.
     */
    private static void awaitInForce(CancelTraffic traffic, Outcomes outcomes, String actorId) {
        int[] probes = {0};
        await(actorId + "'s grant in force")
                .atMost(DECIDED_WITHIN)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String run = "probe-" + actorId + "-" + probes[0]++;
                    traffic.runState(run, TENANT, RunStatus.RUNNING, 1);
                    String commandId = cancel(traffic, run, run, actorId);
                    outcomes.awaitUntil(() -> !decision(outcomes, commandId).equals("undecided"), DECIDED_WITHIN);
                    return decision(outcomes, commandId).equals("CANCELLED");
                });
    }

    private static String cancel(CancelTraffic traffic, String commandId, String executionId, String actorId) {
        traffic.cancel(commandId, executionId, actorId);
        traffic.flush();
        return commandId;
    }

    /** Each command decided as expected, and the processor still alive a while after. */
    private static void assertDecided(Outcomes outcomes, Map<String, String> expected, ProcessorJvm processor) {
        outcomes.awaitUntil(
                () -> expected.keySet().stream()
                        .allMatch(id -> !decision(outcomes, id).equals("undecided")),
                DECIDED_WITHIN);
        Map<String, String> decided = new LinkedHashMap<>();
        expected.keySet().forEach(id -> decided.put(id, decision(outcomes, id)));
        assertThat(decided)
                .as("decisions (processor log: %s)", processor.log().toAbsolutePath())
                .isEqualTo(expected);
        await("the processor alive")
                .during(ALIVE_FOR)
                .atMost(ALIVE_FOR.multipliedBy(2))
                .until(processor::isAlive);
    }

    private static String decision(Outcomes outcomes, String commandId) {
        List<String> decisions = new ArrayList<>();
        outcomes.cancellationsOf(commandId).forEach(change -> decisions.add("CANCELLED"));
        outcomes.rejectionsOf(commandId)
                .forEach(rejection -> decisions.add(rejection.getCode().name()));
        if (decisions.isEmpty()) {
            return "undecided";
        }
        return decisions.size() == 1 ? decisions.get(0) : decisions.toString();
    }

    /** A record (on the partition the producers put its key on) whose timestamp the broker must keep as written. */
    private static void send(RawProducer raw, String topic, String key, long timestamp, byte[] value) throws Exception {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int partition = Utils.toPositive(Utils.murmur2(keyBytes)) % PARTITIONS;
        Future<RecordMetadata> sent = timestamp < 0
                ? raw.sendWithNegativeTimestamp(topic, partition, keyBytes, value)
                : raw.send(new ProducerRecord<>(topic, partition, timestamp, keyBytes, value));
        assertThat(sent.get().timestamp()).as("timestamp the broker took").isEqualTo(timestamp);
    }
}
