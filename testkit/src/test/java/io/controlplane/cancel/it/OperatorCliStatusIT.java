package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.OperatorCli;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.testkit.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code status ID} against a running processor's {@code GET /executions/{id}}, with its exit codes:
 * the CLI and the endpoint checked against each other.
 */
class OperatorCliStatusIT {

    private static final String TOKEN = "query-token-" + UUID.randomUUID();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TENANT = "acme";

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedBeforeAll(broker, settings -> {
                int port = LoopbackPorts.free(1)[0];
                settings.put(CancelProcessorConfig.HTTP_PORT, String.valueOf(port));
                settings.put(CancelProcessorConfig.HTTP_HOST, LoopbackPorts.LOOPBACK);
                settings.put("application.server", LoopbackPorts.LOOPBACK + ":" + port);
                settings.put(CancelProcessorConfig.HTTP_QUERY_TOKEN, TOKEN);
            })
            .seededWith(traffic -> {
                traffic.grant("alice", List.of("admin"), List.of(TENANT));
                traffic.runState("run-status", TENANT, RunStatus.RUNNING, 3);
                traffic.runState("run-status-cancelled", TENANT, RunStatus.PAUSED, 7);
            });

    private static OperatorCli cli;
    private static OperatorCli cliWithAWrongToken;

    @BeforeAll
    static void cliOnTheProcessorsEndpoint() throws Exception {
        Path dir = Files.createTempDirectory("operator-cli-status-it");
        // the CLI finds the instance at http://localhost:<cancel.http.port>, as an operator's would
        cli = new OperatorCli(processor.settings(), dir.resolve("cli.properties"));
        Map<String, Object> cliSettings = processor.settings();
        cliSettings.put(CancelProcessorConfig.HTTP_QUERY_TOKEN, "not-" + TOKEN);
        cliWithAWrongToken = new OperatorCli(cliSettings, dir.resolve("wrong-token.properties"));
    }

    @Test
    void knownRunIsItsStatusVersionAndTenantWithExitZero() {
        // 503 until the run's state is restored and queryable
        await().atMost(TIMEOUT).until(() -> cli.run("status", "run-status").exitCode() == 0);
        OperatorCli.Run run = cli.run("status", "run-status");
        assertThat(run.out()).isEqualTo("run-status RUNNING v3 tenant acme" + System.lineSeparator());
    }

    @Test
    void cancelledRunSaysByWhomWhenAndWhichCommand() {
        OperatorCli.Run cancel =
                cli.run("cancel", "--execution", "run-status-cancelled", "--by", "alice", "--reason", "stuck");
        assertThat(cancel.exitCode()).as(cancel.toString()).isZero();

        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(
                                cli.run("status", "run-status-cancelled").out())
                        .startsWith("run-status-cancelled CANCELLED by alice at ")
                        .endsWith("): stuck" + System.lineSeparator()));
    }

    @Test
    void unknownExecutionIsExitFour() {
        await().atMost(TIMEOUT).until(() -> cli.run("status", "run-status").exitCode() == 0);
        OperatorCli.Run run = cli.run("status", "run-nobody-knows");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
    }

    @Test
    void wrongTokenIsOneLineAndExitOneWithoutTheToken() {
        OperatorCli.Run run = cliWithAWrongToken.run("status", "run-status");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines()).singleElement().asString().startsWith("Unauthorized (401)");
        assertThat(run.err() + run.out()).doesNotContain(TOKEN);
    }
}
