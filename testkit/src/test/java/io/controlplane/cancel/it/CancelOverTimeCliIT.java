package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.OperatorCli;
import io.controlplane.cancel.it.support.ProcessorGroup;
import io.controlplane.cancel.it.support.ProcessorHttp;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.testkit.LoopbackPorts;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code cancel --graceful} and {@code cancel --at} against the processor on a real broker, with
 * the exit codes scripts rely on, and {@code status} / {@code GET /executions/{id}} showing a
 * graceful cancel going on and a command held for later. The not-found grace is short (500 ms):
 * the processor's timers (a grace ending) fire only once a task has read for one such grace, and
 * it checks them that often.
 */
class CancelOverTimeCliIT {

    private static final String TOKEN = "query-token-" + UUID.randomUUID();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TENANT = "acme";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedBeforeAll(broker, settings -> {
                int port = LoopbackPorts.free(1)[0];
                settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, 500L);
                settings.put(CancelProcessorConfig.HTTP_PORT, String.valueOf(port));
                settings.put(CancelProcessorConfig.HTTP_HOST, LoopbackPorts.LOOPBACK);
                settings.put("application.server", LoopbackPorts.LOOPBACK + ":" + port);
                settings.put(CancelProcessorConfig.HTTP_QUERY_TOKEN, TOKEN);
            })
            .seededWith(traffic -> {
                traffic.grant("alice", List.of("admin"), List.of(TENANT));
                traffic.runState("graceful-confirmed", TENANT, RunStatus.RUNNING, 3);
                traffic.runState("graceful-escalated", TENANT, RunStatus.RUNNING, 3);
                traffic.runState("graceful-completed", TENANT, RunStatus.RUNNING, 3);
                traffic.runState("scheduled", TENANT, RunStatus.RUNNING, 3);
                traffic.runState("scheduled-refused", TENANT, RunStatus.RUNNING, 3);
            });

    private static CancelTraffic traffic;
    private static OperatorCli cli;
    /** The same CLI pointed at topics (and an application.id) no processor reads. */
    private static OperatorCli cliWithoutProcessor;

    private static ProcessorHttp http;

    @BeforeAll
    static void cliOnTheProcessorAndTheSeededRunsRead() throws Exception {
        traffic = processor.traffic();
        Path dir = Files.createTempDirectory("cancel-over-time-cli-it");
        cli = new OperatorCli(processor.settings(), dir.resolve("cli.properties"));
        Map<String, Object> idle = processor.settings();
        TestSettings.ownNames(idle, TestSettings.uniquePrefix("idle"));
        broker.kafka().createTopics(new CancelProcessorConfig(idle), 3);
        cliWithoutProcessor = new OperatorCli(idle, dir.resolve("idle.properties"));
        http = new ProcessorHttp(
                Integer.parseInt(String.valueOf(processor.settings().get(CancelProcessorConfig.HTTP_PORT))));
        // a command for a run whose state the processor has not read yet would wait for it
        try (Admin admin = broker.kafka().admin()) {
            ProcessorGroup group = new ProcessorGroup(
                    admin, String.valueOf(processor.settings().get(StreamsConfig.APPLICATION_ID_CONFIG)));
            await("the seeded run states consumed")
                    .atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> group.hasConsumedAll(
                            List.of(processor.topics().runStates.name())));
        }
    }

    /** {@code cancel ...} on a thread of its own, printing into {@code out} as it goes. */
    private static CompletableFuture<Integer> cancelInTheBackground(StringWriter out, String... args) {
        return CompletableFuture.supplyAsync(() -> cli.run(out, new StringWriter(), "cancel", args));
    }

    private static JsonNode execution(String executionId) throws Exception {
        HttpResponse<String> reply = http.get("/executions/" + executionId, Optional.of(TOKEN));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        return JSON.readTree(reply.body());
    }

    @Test
    void gracefulCancelThatUpstreamConfirmsEndsGracefullyWithExitZero() throws Exception {
        StringWriter out = new StringWriter();
        // a grace far longer than the confirmation takes: the run must not be forced meanwhile
        CompletableFuture<Integer> cancel = cancelInTheBackground(
                out, "--execution", "graceful-confirmed", "--by", "alice", "--graceful", "--grace", "20s");

        await("CANCELLING printed")
                .atMost(TIMEOUT)
                .until(() -> out.toString().startsWith("CANCELLING 'graceful-confirmed' (tenant 'acme', was RUNNING"));
        traffic.runState("graceful-confirmed", TENANT, RunStatus.CANCELLED, 4);
        traffic.flush();

        assertThat(cancel.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as(out.toString())
                .isZero();
        assertThat(out.toString().lines())
                .hasSize(2)
                .last()
                .asString()
                .startsWith("CANCELLED 'graceful-confirmed' (tenant 'acme', was CANCELLING, now version 5) by 'alice'")
                .endsWith(": gracefully, upstream confirmed it stopped")
                .doesNotContain("escalated");
    }

    @Test
    void gracefulCancelNeverConfirmedIsEscalatedWhenItsGraceEndsWithExitZero() {
        Instant start = Instant.now();
        OperatorCli.Run run =
                cli.run("cancel", "--execution", "graceful-escalated", "--by", "alice", "--graceful", "--grace", "2s");
        Duration took = Duration.between(start, Instant.now());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().lines()).hasSize(2);
        assertThat(run.out().lines().findFirst().orElseThrow()).startsWith("CANCELLING 'graceful-escalated'");
        assertThat(run.out().lines().skip(1).findFirst().orElseThrow())
                .startsWith("CANCELLED 'graceful-escalated' (tenant 'acme', was CANCELLING, now version 5)")
                .endsWith(", escalated: forced, as it had not stopped when its grace ended");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void runThatUpstreamReportsCompletedWhileCancellingEndsOtherwiseWithExitFiveAndStatusSaidCancelling()
            throws Exception {
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> cancel = cancelInTheBackground(
                out, "--execution", "graceful-completed", "--by", "alice", "--graceful", "--grace", "20s");
        await("CANCELLING printed")
                .atMost(TIMEOUT)
                .until(() -> out.toString().startsWith("CANCELLING 'graceful-completed'"));

        // meanwhile the processor holds the run CANCELLING, beside upstream's RUNNING
        OperatorCli.Run status = cli.run("status", "graceful-completed");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out())
                .startsWith("graceful-completed CANCELLING by alice at ")
                .contains(" unless it stops first; upstream says RUNNING v3 tenant acme");
        JsonNode view = execution("graceful-completed");
        assertThat(view.path("status").asText()).isEqualTo("CANCELLING");
        assertThat(view.path("cancelling").path("cancelledBy").asText()).isEqualTo("alice");
        assertThat(Instant.parse(view.path("cancelling").path("escalatesAt").asText()))
                .isAfter(Instant.parse(view.path("cancelling").path("askedAt").asText()));

        traffic.runState("graceful-completed", TENANT, RunStatus.COMPLETED, 4);
        traffic.flush();

        assertThat(cancel.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as(out.toString())
                .isEqualTo(5);
        assertThat(out.toString().lines())
                .last()
                .asString()
                .startsWith("ENDED 'graceful-completed' COMPLETED (upstream, version 4) while CANCELLING");
    }

    @Test
    void scheduledCancelIsConfirmedOnceReadWithExitZeroAndShownHeld() throws Exception {
        OperatorCli.Run run = cli.run("cancel", "--execution", "scheduled", "--by", "alice", "--at", "+1h");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().lines())
                .singleElement()
                .asString()
                .matches("SCHEDULED 'scheduled' at \\S+Z \\(command '[0-9a-f-]{36}'\\)");
        Instant at = Instant.parse(run.out().split(" ")[3]);
        assertThat(at)
                .isBetween(
                        Instant.now().plus(Duration.ofMinutes(59)),
                        Instant.now().plus(Duration.ofHours(1)));

        // the processor committed past the command: its store holds it (queryable once written)
        JsonNode view = execution("scheduled");
        assertThat(view.path("status").asText()).isEqualTo("RUNNING");
        assertThat(view.path("scheduled")).hasSize(1);
        assertThat(view.path("scheduled").get(0).path("cancelledBy").asText()).isEqualTo("alice");
        assertThat(view.path("scheduled").get(0).path("mode").asText()).isEqualTo("FORCE");
        assertThat(Instant.parse(view.path("scheduled").get(0).path("notBefore").asText()))
                .isEqualTo(at);
        assertThat(cli.run("status", "scheduled").out())
                .startsWith("scheduled RUNNING v3 tenant acme; scheduled: FORCE by alice at " + at + " (command ");
    }

    @Test
    void scheduledCancelThatNoProcessorReadsIsNotSaidScheduledButExitThree() {
        OperatorCli.Run run = cliWithoutProcessor.run(
                "cancel", "--execution", "scheduled", "--by", "alice", "--at", "+1h", "--timeout", "2s");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.out())
                .startsWith("NO ANSWER for command ")
                .contains("within 2s")
                .doesNotContain("SCHEDULED");
    }

    @Test
    void scheduledCancelByAnActorWithoutAGrantIsRefusedAtOnceWithExitTwo() {
        Instant start = Instant.now();
        OperatorCli.Run run = cli.run("cancel", "--execution", "scheduled-refused", "--by", "mallory", "--at", "+1h");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.out())
                .startsWith("REJECTED UNAUTHORIZED 'scheduled-refused': ")
                .doesNotContain("SCHEDULED");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
    }
}
