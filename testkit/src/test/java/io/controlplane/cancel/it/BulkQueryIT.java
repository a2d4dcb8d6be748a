package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.Exposition;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorHttp;
import io.controlplane.cancel.it.support.ProcessorJvms;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.testkit.LoopbackPorts;
import io.controlplane.cancel.testkit.RestSchemaRegistryServer;
import io.controlplane.cancel.topology.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /bulks/{bulkId} on a real broker: a bulk cancel runs over six partitions held by two processor
 * JVMs, and either instance answers with the same sums as the bulk-progress topic's latest records,
 * partition by partition; GET /metrics counts the runs the bulk cancelled.
 */
class BulkQueryIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TENANT = "acme";
    private static final String TOKEN = "it-query-token-" + UUID.randomUUID();
    private static final int PARTITIONS = 6;
    private static final int RUNNING_RUNS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    final ProcessorJvms jvms = new ProcessorJvms();

    private RestSchemaRegistryServer registry;
    private Map<String, Object> settings;
    private Topics topics;
    private CancelTraffic traffic;
    private Outcomes outcomes;
    private KafkaConsumer<String, byte[]> progressConsumer;

    @BeforeEach
    void topicsAndRegistry() throws Exception {
        registry = RestSchemaRegistryServer.start();
        settings = ProcessorJvms.settings(broker.bootstrapServers(), registry.url());
        TestSettings.ownNames(settings, TestSettings.uniquePrefix("BulkQueryIT"));
        settings.put(CancelProcessorConfig.HTTP_HOST, LoopbackPorts.LOOPBACK);
        settings.put(CancelProcessorConfig.HTTP_QUERY_TOKEN, TOKEN);
        // small pages, so that the bulk takes several turns on every task
        settings.put(CancelProcessorConfig.BULK_PAGE_SIZE, 3);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        try (Admin admin = broker.kafka().admin()) {
            TopicLayout.create(admin, config, PARTITIONS);
            // Created is not yet known to every client: the start-up checks must find them.
            List<String> names =
                    CancelTopic.ALL.stream().map(topic -> topic.name(config)).toList();
            await().atMost(TIMEOUT).until(() -> admin.listTopics().names().get().containsAll(names));
        }
        topics = new Topics(config);
        traffic = new CancelTraffic(broker.bootstrapServers(), topics);
        outcomes = new Outcomes(broker.bootstrapServers(), topics);
        progressConsumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "bulk-progress-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        progressConsumer.subscribe(List.of(topics.bulkProgress.name()));
    }

    @AfterEach
    void close() {
        progressConsumer.close();
        outcomes.close();
        traffic.close();
        registry.close();
    }

    @Test
    void eitherInstanceAnswersWithTheSumOfEveryPartitionsLatestProgressAndTheMetricsCountTheBulk() throws Exception {
        int[] ports = LoopbackPorts.free(2);
        ProcessorHttp first = new ProcessorHttp(ports[0]);
        ProcessorHttp second = new ProcessorHttp(ports[1]);
        traffic.grant("alice", List.of("admin"), List.of(TENANT));
        for (int i = 0; i < RUNNING_RUNS; i++) {
            traffic.runState("run-" + i, TENANT, RunStatus.RUNNING, 1);
        }
        for (int i = 0; i < 6; i++) {
            traffic.runState("ended-" + i, TENANT, RunStatus.COMPLETED, 1);
            traffic.runState("theirs-" + i, "globex", RunStatus.RUNNING, 1);
        }
        traffic.flush();
        jvms.start("first", withHttp(first.port()));
        jvms.start("second", withHttp(second.port()));
        // The bulk starts once the group has settled on the two instances: each holds some partitions.
        Set<String> both =
                Set.of(LoopbackPorts.LOOPBACK + ":" + first.port(), LoopbackPorts.LOOPBACK + ":" + second.port());
        // (nothing listens until a JVM has started)
        await().atMost(TIMEOUT)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(owners(first)).isEqualTo(both));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(bulk(first, "no-such-bulk").statusCode()).isEqualTo(404);
            assertThat(bulk(second, "no-such-bulk").statusCode()).isEqualTo(404);
        });
        assertThat(bulk(first, "no-such-bulk").body())
                .isEqualTo("{\"bulkId\":\"no-such-bulk\",\"error\":\"unknown bulk\"}");
        assertThat(first.get("/bulks/no-such-bulk", Optional.empty()).statusCode())
                .isEqualTo(401);
        assertThat(second.get("/bulks/no-such-bulk", Optional.of("wrong")).statusCode())
                .isEqualTo(401);
        assertThat(bulk(first, "bad%01id").statusCode()).isEqualTo(400);

        String bulkId = "bulk-" + UUID.randomUUID();
        traffic.send(
                topics.bulk,
                bulkId,
                BulkCancelCommand.newBuilder()
                        .setBulkId(bulkId)
                        .setCancelledBy("alice")
                        .setReason("tenant suspended")
                        .setTenantId(TENANT)
                        .setAction(BulkAction.START)
                        .setRequestedAt(Instant.now())
                        .build());
        traffic.flush();

        Map<Integer, BulkCancelProgress> latest = awaitEveryPartitionDone(bulkId);
        long scanned = latest.values().stream()
                .mapToLong(BulkCancelProgress::getScanned)
                .sum();
        long matched = latest.values().stream()
                .mapToLong(BulkCancelProgress::getMatched)
                .sum();
        long cancelled = latest.values().stream()
                .mapToLong(BulkCancelProgress::getCancelled)
                .sum();
        long alreadyTerminal = latest.values().stream()
                .mapToLong(BulkCancelProgress::getAlreadyTerminal)
                .sum();
        long notFound = latest.values().stream()
                .mapToLong(BulkCancelProgress::getNotFound)
                .sum();
        assertThat(cancelled).isEqualTo(RUNNING_RUNS);
        assertThat(scanned).as("every run of every partition looked at").isEqualTo(RUNNING_RUNS + 12);

        Set<String> servedBy = new HashSet<>();
        for (ProcessorHttp asked : List.of(first, second)) {
            HttpResponse<String> reply = bulk(asked, bulkId);
            assertThat(reply.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(reply.body());
            assertThat(body.path("bulkId").asText()).isEqualTo(bulkId);
            assertThat(body.path("state").asText()).isEqualTo("DONE");
            assertThat(body.path("partitions").path("reported").asInt()).isEqualTo(PARTITIONS);
            assertThat(body.path("partitions").path("expected").asInt()).isEqualTo(PARTITIONS);
            assertThat(body.path("scanned").asLong()).isEqualTo(scanned);
            assertThat(body.path("matched").asLong()).isEqualTo(matched);
            assertThat(body.path("cancelled").asLong()).isEqualTo(cancelled);
            assertThat(body.path("alreadyTerminal").asLong()).isEqualTo(alreadyTerminal);
            assertThat(body.path("notFound").asLong()).isEqualTo(notFound);
            assertThat(body.path("dryRun").asBoolean()).isFalse();
            for (JsonNode share : body.path("perPartition")) {
                BulkCancelProgress progress = latest.get(share.path("partition").asInt());
                assertThat(share.path("state").asText()).isEqualTo("DONE");
                assertThat(share.path("scanned").asLong()).isEqualTo(progress.getScanned());
                assertThat(share.path("cancelled").asLong()).isEqualTo(progress.getCancelled());
                servedBy.add(share.path("servedBy").asText());
            }
        }
        assertThat(servedBy).as("the partitions are spread over both instances").isEqualTo(both);

        // Each instance's own share: the partitions its tasks hold, none of the other's.
        JsonNode firstShare = JSON.readTree(first.get("/bulks/" + bulkId + "?local=true", Optional.of(TOKEN))
                .body());
        JsonNode secondShare = JSON.readTree(second.get("/bulks/" + bulkId + "?local=true", Optional.of(TOKEN))
                .body());
        Set<Integer> firstPartitions =
                new HashSet<>(firstShare.path("perPartition").findValuesAsText("partition").stream()
                        .map(Integer::valueOf)
                        .toList());
        Set<Integer> secondPartitions =
                new HashSet<>(secondShare.path("perPartition").findValuesAsText("partition").stream()
                        .map(Integer::valueOf)
                        .toList());
        assertThat(firstPartitions).isNotEmpty().doesNotContainAnyElementsOf(secondPartitions);
        assertThat(firstPartitions.size() + secondPartitions.size()).isEqualTo(PARTITIONS);
        assertThat(firstShare.path("cancelled").asLong()
                        + secondShare.path("cancelled").asLong())
                .isEqualTo(cancelled);

        assertThat(outcomes.awaitUntil(
                        () -> outcomes.cancellations.stream()
                                        .filter(change -> change.getCommandId().startsWith(bulkId + "/"))
                                        .count()
                                == RUNNING_RUNS,
                        TIMEOUT))
                .isTrue();
        await().atMost(TIMEOUT)
                .untilAsserted(() ->
                        assertThat(bulkCancelled(first) + bulkCancelled(second)).isEqualTo(RUNNING_RUNS));
        assertThat(bulkCancelled(first)).isPositive();
        assertThat(bulkCancelled(second)).isPositive();
    }

    private Map<String, Object> withHttp(int port) {
        Map<String, Object> own = new HashMap<>(settings);
        own.put(CancelProcessorConfig.HTTP_PORT, port);
        return own;
    }

    private static HttpResponse<String> bulk(ProcessorHttp http, String bulkId) throws Exception {
        return http.get("/bulks/" + bulkId, Optional.of(TOKEN));
    }

    /** The instances that answer, as owners, for the first runs when {@code http} is asked. */
    private static Set<String> owners(ProcessorHttp http) throws Exception {
        Set<String> owners = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> reply = http.get("/executions/run-" + i, Optional.of(TOKEN));
            if (reply.statusCode() == 200) {
                owners.add(JSON.readTree(reply.body()).path("servedBy").asText());
            }
        }
        return owners;
    }

    /** The latest progress record of each partition once each says DONE. */
    private Map<Integer, BulkCancelProgress> awaitEveryPartitionDone(String bulkId) {
        Map<Integer, BulkCancelProgress> latest = new TreeMap<>();
        await().pollInSameThread()
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    for (ConsumerRecord<String, byte[]> record : progressConsumer.poll(Duration.ofMillis(200))) {
                        BulkCancelProgress progress = topics.bulkProgress
                                .valueSerde()
                                .deserializer()
                                .deserialize(record.topic(), record.value());
                        if (progress.getBulkId().equals(bulkId)) {
                            latest.put(progress.getPartition(), progress);
                        }
                    }
                    return latest.size() == PARTITIONS
                            && latest.values().stream().allMatch(p -> p.getState() == BulkState.DONE);
                });
        return latest;
    }

    /** This instance's cancel_bulk_cancelled_total. */
    private static double bulkCancelled(ProcessorHttp http) throws Exception {
        String body = http.get("/metrics").body();
        assertThat(Exposition.parse(body).serves("cancel_bulk_cancelled_total")).isTrue();
        return body.lines()
                .filter(line -> line.startsWith("cancel_bulk_cancelled_total "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
                .sum();
    }
}
