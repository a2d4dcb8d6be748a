package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.InProcessProcessor.SettingsChange;
import io.controlplane.cancel.it.support.OperatorCli;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.TestSettings;
import io.controlplane.cancel.topology.Topics;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator subcommands ({@code cancel}, {@code grant}, {@code revoke}, {@code watch}) against
 * the processor on a real broker, with the exit codes scripts rely on.
 */
class OperatorCliIT {

    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TENANT = "acme";

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedBeforeAll(
                    broker, SettingsChange.notFoundGrace(GRACE))
            .seededWith(traffic -> {
                traffic.grant("alice", List.of("admin"), List.of(TENANT));
                traffic.runState("run-running", TENANT, RunStatus.RUNNING, 3);
                traffic.runState("run-completed", TENANT, RunStatus.COMPLETED, 9);
                traffic.runState("run-granted", TENANT, RunStatus.PAUSED, 1);
                traffic.runState("run-revoked-before", TENANT, RunStatus.RUNNING, 1);
                traffic.runState("run-revoked-after", TENANT, RunStatus.RUNNING, 1);
                traffic.runState("run-watched", TENANT, RunStatus.WAITING, 2);
            });

    private static CancelTraffic traffic;
    private static Topics topics;
    private static OperatorCli cli;
    /** The same CLI pointed at topics no processor reads. */
    private static OperatorCli cliWithoutProcessor;

    private static Path dir;

    @BeforeAll
    static void cliOnTheProcessorsTopicsAndOnIdleOnes() throws Exception {
        traffic = processor.traffic();
        topics = processor.topics();
        dir = Files.createTempDirectory("operator-cli-it");
        cli = new OperatorCli(processor.settings(), dir.resolve("cli.properties"));
        Map<String, Object> idle = processor.settings();
        TestSettings.ownNames(idle, TestSettings.uniquePrefix("idle"));
        broker.kafka().createTopics(new CancelProcessorConfig(idle), 3);
        cliWithoutProcessor = new OperatorCli(idle, dir.resolve("idle.properties"));
    }

    @Test
    void cancelOfARunningRunPrintsCancelledAndExitsZero() {
        OperatorCli.Run run = cli.run("cancel", "--execution", "run-running", "--by", "alice", "--reason", "stuck");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().lines())
                .singleElement()
                .asString()
                .startsWith("CANCELLED 'run-running' (tenant 'acme', was RUNNING, now version 4) by 'alice' at ");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void cancelOfATerminalRunPrintsTheRejectionCodeAndExitsTwo() {
        OperatorCli.Run run = cli.run("cancel", "--execution", "run-completed", "--by", "alice");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.out().lines())
                .singleElement()
                .asString()
                .startsWith("REJECTED ALREADY_TERMINAL 'run-completed': ");
    }

    @Test
    void noOutcomeWithinTheTimeoutExitsThree() {
        // An unknown run is rejected only after the grace: a shorter wait ends without an outcome.
        OperatorCli.Run waiting = cli.run("cancel", "--execution", "run-unknown", "--by", "alice", "--timeout", "1s");
        assertThat(waiting.exitCode()).as(waiting.toString()).isEqualTo(3);
        assertThat(waiting.out()).startsWith("NO OUTCOME for command ").contains("within 1s");

        OperatorCli.Run unread =
                cliWithoutProcessor.run("cancel", "--execution", "run-running", "--by", "alice", "--timeout", "2s");
        assertThat(unread.exitCode()).as(unread.toString()).isEqualTo(3);
    }

    @Test
    void grantedActorCanCancel() {
        OperatorCli.Run grant = cli.run("grant", "--actor", "carol", "--roles", "viewer,admin", "--tenants", "*");
        assertThat(grant.exitCode()).as(grant.toString()).isZero();
        assertThat(grant.out()).startsWith("Granted 'carol' roles [viewer, admin] on tenants [*]");

        // The grant reaches the processor's global store on its own thread: until then, UNAUTHORIZED
        // (which leaves the run as it was), so the first command after it may be early.
        await().atMost(TIMEOUT)
                .until(() -> cli.run("cancel", "--execution", "run-granted", "--by", "carol")
                                .exitCode()
                        == 0);
    }

    @Test
    void revokedActorIsRefusedWithExitTwo() {
        assertThat(cli.run("grant", "--actor", "dave", "--roles", "admin", "--tenants", TENANT)
                        .exitCode())
                .isZero();
        await().atMost(TIMEOUT)
                .until(() -> cli.run("cancel", "--execution", "run-revoked-before", "--by", "dave")
                                .exitCode()
                        == 0);

        OperatorCli.Run revoke = cli.run("revoke", "--actor", "dave");
        assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
        assertThat(revoke.out()).startsWith("Revoked 'dave'");

        OperatorCli.Run refused = cli.run("cancel", "--execution", "run-revoked-after", "--by", "dave");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.out()).startsWith("REJECTED UNAUTHORIZED 'run-revoked-after': ");
    }

    @Test
    void watchPrintsALineForACancellationARejectionAndADeadLetterUntilInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread watcher = new Thread(() -> exit.set(cli.run(out, err, "watch", "--from-beginning")), "watch-under-test");
        watcher.start();

        traffic.cancel("watch-accept", "run-watched", "alice");
        traffic.cancel("watch-reject", "run-completed", "alice");
        traffic.raw(topics.commands.name(), "watch-garbage", "not avro".getBytes(StandardCharsets.UTF_8));
        traffic.flush();

        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(out.toString().lines())
                        .anyMatch(line -> line.startsWith("CANCELLED 'run-watched'") && line.contains("'watch-accept'"))
                        .anyMatch(line -> line.startsWith("REJECTED ALREADY_TERMINAL 'run-completed'")
                                && line.contains("'watch-reject'"))
                        .anyMatch(line -> line.startsWith("DEAD LETTER " + topics.dlq)
                                && line.contains("key 'watch-garbage'")
                                && line.contains("topic=" + topics.commands.name())
                                && line.contains("exception=")));

        watcher.interrupt();
        watcher.join(TIMEOUT.toMillis());
        assertThat(watcher.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).doesNotContain("not avro").doesNotContain("\tat ");
    }

    @Test
    void watchAsAProcessClosesCleanlyOnSigterm() throws Exception {
        Path files = dir.resolve("watch-process");
        Process watch = cli.launch(files, "watch", "--from-beginning");
        try {
            // A dead letter's line needs no registry (this JVM's mock:// one is not the other JVM's).
            traffic.raw(topics.commands.name(), "watch-process-garbage", new byte[] {1, 2, 3});
            traffic.flush();
            Path out = Path.of(files + ".out");
            await().atMost(TIMEOUT)
                    .until(() -> Files.exists(out) && Files.readString(out).contains("key 'watch-process-garbage'"));

            watch.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs the shutdown hooks
            assertThat(watch.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            // 143 = 128 + SIGTERM: the JVM ended on the signal, after the hook closed the consumer
            assertThat(watch.exitValue()).isEqualTo(143);
            assertThat(Files.readString(Path.of(files + ".err")))
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        } finally {
            watch.destroyForcibly();
        }
    }
}
