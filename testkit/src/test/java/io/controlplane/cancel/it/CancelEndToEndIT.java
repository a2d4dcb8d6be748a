package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.decision.CommandValidation;
import io.controlplane.cancel.decision.RejectionMessages;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.InProcessProcessor.SettingsChange;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.RealBroker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deployed processor on a real broker, under exactly_once_v2: one command per outcome, read
 * back read_committed as a subscriber reads them.
 */
class CancelEndToEndIT {

    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TENANT = "acme";

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedBeforeAll(
                    broker, SettingsChange.notFoundGrace(GRACE))
            // Upstream state exists before the commands that refer to it.
            .seededWith(traffic -> {
                traffic.grant("alice", List.of("admin"), List.of(TENANT));
                traffic.grant("bob", List.of("viewer"), List.of(TENANT));
                traffic.runState("run-accept", TENANT, RunStatus.RUNNING, 3);
                traffic.runState("run-completed", TENANT, RunStatus.COMPLETED, 9);
                traffic.runState("run-elsewhere", "globex", RunStatus.PAUSED, 1);
                traffic.runState("run-repeat", TENANT, RunStatus.WAITING, 5);
                traffic.runState("run-unkeyed", TENANT, RunStatus.QUEUED, 2);
            });

    private static CancelTraffic traffic;
    private static Outcomes outcomes;

    @BeforeAll
    static void readOutcomes() {
        traffic = processor.traffic();
        outcomes = processor.outcomes();
    }

    @AfterAll
    static void stillRunning() {
        if (outcomes != null) {
            outcomes.close();
        }
        assertThat(processor.metrics().state()).isEqualTo(KafkaStreams.State.RUNNING.name());
    }

    private static CancelCommand command(String commandId, String executionId, String actorId) {
        // millisecond precision, as the wire keeps it, so the copy in a rejection compares equal
        return TestRecords.command(
                commandId,
                executionId,
                actorId,
                "operator request",
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private static RunStateChange awaitCancellation(String commandId) {
        assertThat(outcomes.awaitUntil(
                        () -> !outcomes.cancellationsOf(commandId).isEmpty(), TIMEOUT))
                .as("cancellation of %s", commandId)
                .isTrue();
        assertThat(outcomes.rejectionsOf(commandId)).isEmpty();
        return outcomes.cancellationsOf(commandId).get(0);
    }

    private static CancelRejection awaitRejection(String commandId) {
        assertThat(outcomes.awaitUntil(() -> !outcomes.rejectionsOf(commandId).isEmpty(), TIMEOUT))
                .as("rejection of %s", commandId)
                .isTrue();
        assertThat(outcomes.cancellationsOf(commandId)).isEmpty();
        return outcomes.rejectionsOf(commandId).get(0);
    }

    @Test
    void acceptedCommandCancelsTheRunAtItsNextVersionWithTheCommandsTrace() {
        Instant sent = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CancelCommand command = command("e2e-accept", "run-accept", "alice");
        traffic.command("run-accept", command);
        traffic.flush();

        RunStateChange change = awaitCancellation("e2e-accept");
        assertThat(change.getExecutionId()).isEqualTo("run-accept");
        assertThat(change.getTenantId()).isEqualTo(TENANT);
        assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.RUNNING);
        assertThat(change.getVersion()).isEqualTo(4);
        assertThat(change.getCancelledBy()).isEqualTo("alice");
        assertThat(change.getReason()).isEqualTo("operator request");
        assertThat(change.getTraceId()).isEqualTo("trace-e2e-accept");
        assertThat(change.getCancelledAt()).isBetween(sent, Instant.now());
    }

    @Test
    void invalidCommandsAreRejectedWithTheProblemAndTheOriginalCommand() {
        CancelCommand noActor = command("e2e-invalid-actor", "run-accept", null);
        CancelCommand wrongKey = command("e2e-invalid-key", "run-accept", "alice");
        traffic.command("run-accept", noActor);
        traffic.command("run-other", wrongKey);
        traffic.flush();

        CancelRejection missingActor = awaitRejection("e2e-invalid-actor");
        assertThat(missingActor.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        assertThat(missingActor.getMessage()).isEqualTo(invalidMessage("run-accept", noActor));
        assertThat(missingActor.getExecutionId()).isEqualTo("run-accept");
        assertThat(missingActor.getCancelledBy()).isNull();
        assertThat(missingActor.getObservedStatus()).isNull();
        assertThat(missingActor.getTraceId()).isEqualTo("trace-e2e-invalid-actor");
        assertThat(missingActor.getCommand()).isEqualTo(noActor);

        CancelRejection mismatchedKey = awaitRejection("e2e-invalid-key");
        assertThat(mismatchedKey.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        assertThat(mismatchedKey.getMessage()).isEqualTo(invalidMessage("run-other", wrongKey));
        assertThat(mismatchedKey.getCommand()).isEqualTo(wrongKey);
    }

    @Test
    void actorWithoutTheAdminRoleOrWithoutAnyGrantIsUnauthorized() {
        traffic.command("run-accept", command("e2e-unauthorized-viewer", "run-accept", "bob"));
        traffic.command("run-accept", command("e2e-unauthorized-nobody", "run-accept", "mallory"));
        traffic.flush();

        CancelRejection viewer = awaitRejection("e2e-unauthorized-viewer");
        assertThat(viewer.getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        assertThat(viewer.getMessage()).isEqualTo(RejectionMessages.unauthorized("bob", "admin"));
        assertThat(viewer.getCancelledBy()).isEqualTo("bob");
        assertThat(viewer.getObservedStatus()).isNull();
        assertThat(viewer.getTraceId()).isEqualTo("trace-e2e-unauthorized-viewer");

        CancelRejection nobody = awaitRejection("e2e-unauthorized-nobody");
        assertThat(nobody.getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        assertThat(nobody.getMessage()).isEqualTo(RejectionMessages.unauthorized("mallory", "admin"));
    }

    @Test
    void missingRunAndRunInAnotherTenantAreBothNotFoundAfterTheGrace() {
        Instant sent = Instant.now();
        traffic.command("run-missing", command("e2e-missing", "run-missing", "alice"));
        traffic.command("run-elsewhere", command("e2e-elsewhere", "run-elsewhere", "alice"));
        traffic.flush();

        CancelRejection missing = awaitRejection("e2e-missing");
        CancelRejection elsewhere = awaitRejection("e2e-elsewhere");
        for (CancelRejection rejection : List.of(missing, elsewhere)) {
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
            assertThat(rejection.getObservedStatus()).isNull();
            assertThat(rejection.getRejectedAt())
                    .isAfterOrEqualTo(sent.plus(GRACE).truncatedTo(ChronoUnit.MILLIS));
            assertThat(rejection.getTraceId()).isEqualTo("trace-" + rejection.getCommandId());
        }
        // The other tenant's run is invisible, not forbidden: word for word what an absent run gets.
        assertThat(missing.getMessage()).isEqualTo(RejectionMessages.notFound("run-missing"));
        assertThat(elsewhere.getMessage()).isEqualTo(RejectionMessages.notFound("run-elsewhere"));
    }

    @Test
    void terminalRunIsRejectedWithTheStatusItHas() {
        traffic.command("run-completed", command("e2e-terminal", "run-completed", "alice"));
        traffic.flush();

        CancelRejection rejection = awaitRejection("e2e-terminal");
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
        assertThat(rejection.getObservedStatus()).isEqualTo(RunStatus.COMPLETED);
        assertThat(rejection.getMessage())
                .isEqualTo(RejectionMessages.alreadyTerminal("run-completed", RunStatus.COMPLETED));
        assertThat(rejection.getTraceId()).isEqualTo("trace-e2e-terminal");
    }

    @Test
    void repeatedCommandIdProducesNothingMore() {
        CancelCommand command = command("e2e-repeat", "run-repeat", "alice");
        traffic.command("run-repeat", command);
        traffic.flush();
        awaitCancellation("e2e-repeat");

        traffic.command("run-repeat", command);
        traffic.command("run-repeat", command);
        // Same partition, so once this one is decided the repeats before it have been too.
        traffic.command("run-repeat", command("e2e-repeat-marker", "run-repeat", "alice"));
        traffic.flush();

        CancelRejection marker = awaitRejection("e2e-repeat-marker");
        assertThat(marker.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
        assertThat(marker.getObservedStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(outcomes.cancellationsOf("e2e-repeat")).hasSize(1);
        assertThat(outcomes.rejectionsOf("e2e-repeat")).isEmpty();
    }

    @Test
    void unkeyedCommandIsRekeyedByItsExecutionAndDecided() {
        traffic.command(null, command("e2e-unkeyed", "run-unkeyed", "alice"));
        traffic.flush();

        RunStateChange change = awaitCancellation("e2e-unkeyed");
        assertThat(change.getExecutionId()).isEqualTo("run-unkeyed");
        assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.QUEUED);
        assertThat(change.getVersion()).isEqualTo(3);
        assertThat(change.getTraceId()).isEqualTo("trace-e2e-unkeyed");
    }

    /** The message the decider gives an invalid command: its text is pinned in CancelDeciderTest. */
    private static String invalidMessage(String key, CancelCommand command) {
        return RejectionMessages.invalid(CommandValidation.problem(key, command).orElseThrow());
    }
}
