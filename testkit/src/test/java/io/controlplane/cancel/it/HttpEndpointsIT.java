package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.app.StartupException;
import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.DeployedQueries;
import io.controlplane.cancel.it.support.Exposition;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorHttp;
import io.controlplane.cancel.it.support.ProcessorJvms;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.testkit.LoopbackPorts;
import io.controlplane.cancel.testkit.RestSchemaRegistryServer;
import io.controlplane.cancel.topology.Topics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged processor's HTTP endpoints, on a real broker: probes while it starts, Prometheus
 * metrics after real decisions, and the query endpoint across two instances.
 */
class HttpEndpointsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TENANT = "acme";
    private static final String TOKEN = "it-query-token-" + UUID.randomUUID();
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

    /** Topics of this test's own, so that no test sees another's records. */
    @BeforeEach
    void topicsAndRegistry() throws Exception {
        registry = RestSchemaRegistryServer.start();
        String prefix = "http-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        settings = ProcessorJvms.settings(broker.bootstrapServers(), registry.url());
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "cancel");
        settings.put(CancelProcessorConfig.HTTP_HOST, LoopbackPorts.LOOPBACK);
        for (String key : List.of(
                CancelProcessorConfig.COMMANDS_TOPIC,
                CancelProcessorConfig.RUN_STATES_TOPIC,
                CancelProcessorConfig.OPERATORS_TOPIC,
                CancelProcessorConfig.RUN_STATE_CHANGES_TOPIC,
                CancelProcessorConfig.REJECTIONS_TOPIC,
                CancelProcessorConfig.DLQ_TOPIC)) {
            settings.put(key, prefix + key);
        }
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        try (Admin admin = broker.kafka().admin()) {
            TopicLayout.create(admin, config, 6);
            // Created is not yet known to every client: the start-up checks must find them.
            await().atMost(TIMEOUT).until(() -> admin.listTopics().names().get().containsAll(List.of(topics(config))));
        }
        topics = new Topics(config);
        traffic = new CancelTraffic(broker.bootstrapServers(), topics);
        outcomes = new Outcomes(broker.bootstrapServers(), topics);
    }

    private static String[] topics(CancelProcessorConfig config) {
        return new String[] {
            config.commandsTopic(),
            config.runStatesTopic(),
            config.operatorsTopic(),
            config.runStateChangesTopic(),
            config.rejectionsTopic(),
            config.dlqTopic()
        };
    }

    @AfterEach
    void close() {
        outcomes.close();
        traffic.close();
        registry.close();
    }

    private Map<String, Object> withHttp(int port, Optional<String> token) {
        Map<String, Object> own = new HashMap<>(settings);
        own.put(CancelProcessorConfig.HTTP_PORT, port);
        token.ifPresent(value -> own.put(CancelProcessorConfig.HTTP_QUERY_TOKEN, value));
        return own;
    }

    @Test
    void notReadyWhileStartingThenReadyAndEveryDecisionShowsInTheMetrics() throws Exception {
        ProcessorHttp http = new ProcessorHttp(LoopbackPorts.free(1)[0]);
        traffic.grant("alice", List.of("admin"), List.of(TENANT));
        traffic.runState("run-1", TENANT, RunStatus.RUNNING, 1);
        traffic.flush();

        jvms.start("solo", withHttp(http.port(), Optional.empty()));
        List<Integer> readiness = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .alias("readiness, last answers " + reasons)
                .until(() -> {
                    http.answer("/health/ready").ifPresent(answer -> {
                        readiness.add(answer.statusCode());
                        if (reasons.size() < 5 || answer.statusCode() == 200) {
                            reasons.add(answer.body());
                        }
                    });
                    return !readiness.isEmpty() && readiness.get(readiness.size() - 1) == 200;
                });
        assertThat(readiness).first().isEqualTo(503);
        assertThat(readiness).containsOnly(503, 200);
        assertThat(http.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(json(http.get("/health/ready")).path("state").asText()).isEqualTo("RUNNING");

        traffic.cancel("c-1", "run-1", "alice");
        traffic.cancel("c-1", "run-1", "alice");
        traffic.cancel("c-2", "run-1", "mallory");
        traffic.cancel("c-3", "run-unknown", "alice");
        traffic.raw(topics.commands.name(), "run-2", "not a command".getBytes(StandardCharsets.UTF_8));
        traffic.flush();
        assertThat(outcomes.awaitUntil(
                        () -> !outcomes.cancellationsOf("c-1").isEmpty()
                                && !outcomes.rejectionsOf("c-2").isEmpty()
                                && !outcomes.rejectionsOf("c-3").isEmpty()
                                && outcomes.deadLetters.size() == 1,
                        TIMEOUT))
                .isTrue();

        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(http.get("/metrics").body())
                        .contains(
                                "cancel_decisions_total{code=\"none\",outcome=\"cancelled\"} 1.0",
                                "cancel_decisions_total{code=\"none\",outcome=\"duplicate\"} 1.0",
                                "cancel_decisions_total{code=\"UNAUTHORIZED\",outcome=\"rejected\"} 1.0",
                                "cancel_decisions_total{code=\"EXECUTION_NOT_FOUND\",outcome=\"rejected\"} 1.0",
                                "cancel_dead_letters_total{topic=\"" + topics.commands.name() + "\"} 1.0",
                                "cancel_decision_latency_seconds_count 3",
                                "cancel_thread_replacements_total 0.0",
                                "cancel_ready 1.0",
                                "cancel_waiting_commands",
                                "kafka_stream_alive_stream_threads",
                                "kafka_consumer_fetch_manager_records_lag_max",
                                "jvm_memory_used_bytes",
                                "jvm_gc_",
                                "jvm_threads_live_threads",
                                "jvm_classes_loaded_classes",
                                "process_cpu_usage",
                                "process_uptime_seconds")
                        // c-3 waits for its run; c-1 too, when it is read before run-1's state
                        .containsPattern("cancel_decisions_total\\{code=\"none\",outcome=\"waiting\"} [12]\\.0"));
        HttpResponse<String> disabled = http.get("/executions/run-1", Optional.of(TOKEN));
        assertThat(disabled.statusCode()).isEqualTo(404);
        assertThat(disabled.body()).isEqualTo("{\"error\":\"query endpoint disabled\"}");
    }

    /**
     * So that the dashboard and the alert rules cannot silently drift from what the processor serves:
     * each metric they select, each label they match or group by, and each label value they name.
     */
    @Test
    void everySeriesTheDashboardAndTheAlertRulesSelectIsServed() throws Exception {
        DeployedQueries deployed = DeployedQueries.read();
        assertThat(deployed.metrics()).contains("cancel_decisions_total", "cancel_ready");

        ProcessorHttp http = new ProcessorHttp(LoopbackPorts.free(1)[0]);
        jvms.start("solo", withHttp(http.port(), Optional.empty()));
        await().atMost(TIMEOUT).until(() -> http.status("/health/ready").equals(Optional.of(200)));
        // Kafka Streams registers some of its metrics only once its consumers have fetched.
        traffic.grant("alice", List.of("admin"), List.of(TENANT));
        traffic.runState("run-1", TENANT, RunStatus.RUNNING, 1);
        traffic.cancel("c-1", "run-1", "alice");
        traffic.flush();
        assertThat(outcomes.awaitUntil(() -> !outcomes.cancellationsOf("c-1").isEmpty(), TIMEOUT))
                .isTrue();

        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(deployed.driftFrom(
                                Exposition.parse(http.get("/metrics").body())))
                        .isEmpty());
    }

    @Test
    void theQueryEndpointIsGuardedAndAnyInstanceAnswersForEveryExecution() throws Exception {
        int[] ports = LoopbackPorts.free(2);
        ProcessorHttp first = new ProcessorHttp(ports[0]);
        ProcessorHttp second = new ProcessorHttp(ports[1]);
        traffic.grant("alice", List.of("admin"), List.of(TENANT));
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            runs.add("run-" + i);
            traffic.runState("run-" + i, TENANT, RunStatus.RUNNING, 3);
        }
        traffic.cancel("c-1", "run-0", "alice");
        traffic.flush();
        jvms.start("first", withHttp(first.port(), Optional.of(TOKEN)));
        jvms.start("second", withHttp(second.port(), Optional.of(TOKEN)));
        assertThat(outcomes.awaitUntil(() -> !outcomes.cancellationsOf("c-1").isEmpty(), TIMEOUT))
                .isTrue();
        await().atMost(TIMEOUT)
                .until(() -> first.status("/health/ready").equals(Optional.of(200))
                        && second.status("/health/ready").equals(Optional.of(200)));

        assertThat(first.get("/executions/run-0", Optional.empty()).statusCode())
                .isEqualTo(401);
        HttpResponse<String> wrong = first.get("/executions/run-0", Optional.of("wrong"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo("{\"error\":\"unauthorized\"}");
        HttpResponse<String> unknown = awaitAnswer(first, "run-nobody-knows");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"executionId\":\"run-nobody-knows\",\"error\":\"unknown execution\"}");
        assertThat(awaitAnswer(first, "bad%01id").statusCode()).isEqualTo(400);

        JsonNode cancelled = json(awaitAnswer(second, "run-0"));
        assertThat(cancelled.path("run").path("status").asText()).isEqualTo("RUNNING");
        assertThat(cancelled.path("run").path("version").asLong()).isEqualTo(3);
        assertThat(cancelled.path("run").path("tenantId").asText()).isEqualTo(TENANT);
        assertThat(cancelled.path("cancellation").path("cancelledBy").asText()).isEqualTo("alice");
        assertThat(cancelled.path("cancellation").path("commandId").asText()).isEqualTo("c-1");
        assertThat(cancelled.path("cancellation").path("cancelledAt").asText()).endsWith("Z");

        // Each instance answers for every run, and a run's answer names the same owner whichever is asked.
        Set<String> owners = new HashSet<>();
        for (String run : runs) {
            JsonNode fromFirst = json(awaitAnswer(first, run));
            JsonNode fromSecond = json(awaitAnswer(second, run));
            assertThat(fromFirst.path("executionId").asText()).isEqualTo(run);
            assertThat(fromFirst.path("run").path("status").asText()).as(run).isEqualTo("RUNNING");
            assertThat(fromFirst).isEqualTo(fromSecond);
            owners.add(fromFirst.path("servedBy").asText());
        }
        assertThat(owners)
                .containsExactlyInAnyOrder(
                        LoopbackPorts.LOOPBACK + ":" + first.port(), LoopbackPorts.LOOPBACK + ":" + second.port());
    }

    @Test
    void aTakenHttpPortStopsTheStartWithOneLineNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LoopbackPorts.LOOPBACK))) {
            assertThatThrownBy(() -> CancelProcessorApp.start(withHttp(taken.getLocalPort(), Optional.of(TOKEN))))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("Cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining(CancelProcessorConfig.HTTP_PORT)
                    .hasMessageNotContaining(TOKEN);
        }
    }

    /** The query's answer once it is no longer 503 (the group may still be settling after readiness). */
    private static HttpResponse<String> awaitAnswer(ProcessorHttp http, String executionId) {
        return await().atMost(TIMEOUT)
                .until(
                        () -> http.get("/executions/" + executionId, Optional.of(TOKEN)),
                        reply -> reply.statusCode() != 503);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
