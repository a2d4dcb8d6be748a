package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.decision.ActorProof;
import io.controlplane.cancel.decision.BulkMessages;
import io.controlplane.cancel.decision.IdentityFailure;
import io.controlplane.cancel.identity.CommandIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each rule of bulk cancellation (issue 18), through the real topology. */
class BulkCancelTopologyTest {

    private static final String OTHER_TENANT = "tenant-b";
    private static final Duration TURN = ExecutionProcessor.BULK_TURN_INTERVAL;
    private static final int PARTITIONS = 6;

    private CancelDriver cancel = new CancelDriver();

    @AfterEach
    void close() {
        cancel.close();
    }

    static BulkCancelCommand.Builder start(String bulkId, String actorId) {
        return BulkCancelCommand.newBuilder()
                .setBulkId(bulkId)
                .setCancelledBy(actorId)
                .setReason("tenant suspended")
                .setTenantId(TENANT)
                .setAction(BulkAction.START)
                .setRequestedAt(CancelDriver.START)
                .setTraceId("trace-" + bulkId);
    }

    static BulkCancelCommand control(String bulkId, String actorId, BulkAction action) {
        return start(bulkId, actorId).setAction(action).build();
    }

    /** Turns of the task until the bulks are done (or {@code turns} have passed). */
    private void turns(int turns) {
        for (int i = 0; i < turns; i++) {
            cancel.advanceWallClock(TURN);
        }
    }

    private Map<String, RunStateChange> cancellations() {
        List<TestRecord<String, RunStateChange>> changes = cancel.changes();
        Map<String, RunStateChange> byRun = changes.stream()
                .map(TestRecord::value)
                .collect(Collectors.toMap(RunStateChange::getExecutionId, Function.identity()));
        assertThat(byRun).as("at most one CANCELLED per run").hasSameSizeAs(changes);
        return byRun;
    }

    private static BulkCancelProgress last(List<BulkCancelProgress> progress) {
        assertThat(progress).isNotEmpty();
        return progress.get(progress.size() - 1);
    }

    private void runs(String prefix, String tenantId, RunStatus status, int count) {
        for (int i = 0; i < count; i++) {
            cancel.runState(prefix + i, tenantId, status, 1);
        }
    }

    @Nested
    class Rule1ABulkIsAuthorizedLikeASingleCancel {

        @Test
        void anActorWithoutTheRoleIsRejectedOnceAndNothingIsCancelled() {
            cancel.grant("viewer", List.of("viewer"), List.of(TENANT));
            runs("run-", TENANT, RunStatus.RUNNING, 3);
            cancel.bulk(start("bulk-1", "viewer").build());
            turns(5);

            assertThat(cancel.changes()).isEmpty();
            List<BulkCancelProgress> progress = cancel.bulkProgress();
            assertThat(progress).hasSize(1);
            assertThat(progress.get(0).getPartition()).isEqualTo(-1);
            assertThat(progress.get(0).getState()).isEqualTo(BulkState.REJECTED);
            assertThat(progress.get(0).getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
            assertThat(progress.get(0).getMessage()).contains("'viewer'", "'admin'");
        }

        @Test
        void aGrantForAnotherTenantDoesNotCoverTheBulksTenant() {
            cancel.grant("bob", List.of("admin"), List.of(OTHER_TENANT));
            runs("run-", TENANT, RunStatus.RUNNING, 2);
            cancel.bulk(start("bulk-1", "bob").build());
            turns(5);

            assertThat(cancel.changes()).isEmpty();
            BulkCancelProgress rejection = last(cancel.bulkProgress());
            assertThat(rejection.getState()).isEqualTo(BulkState.REJECTED);
            assertThat(rejection.getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        }

        @Test
        void aGrantForEveryTenantCoversTheOneTheBulkNames() {
            cancel.grant("root", List.of("admin"), List.of("*"));
            runs("run-", TENANT, RunStatus.RUNNING, 2);
            runs("other-", OTHER_TENANT, RunStatus.RUNNING, 2);
            cancel.bulk(start("bulk-1", "root").build());
            turns(5);

            assertThat(cancellations()).containsOnlyKeys("run-0", "run-1");
        }

        @Test
        void anInvalidBulkIsRejectedAsSuch() {
            cancel.admin("alice");
            List<BulkCancelCommand> invalid = List.of(
                    start("bulk-1", "alice").setTenantId(null).build(),
                    start("bulk-2", "alice").setTenantId(" ").build(),
                    start("bulk-3", "alice").setCancelledBy(null).build(),
                    start("bulk-4", "alice").setTenantId("tenant\u0000a").build(),
                    start("bulk-5", "alice")
                            .setExecutionIds(IntStream.range(0, 10_001)
                                    .mapToObj(i -> "run-" + i)
                                    .toList())
                            .build(),
                    start("bulk-6", "alice").setAction(BulkAction.UNKNOWN).build(),
                    start("bulk-7", "alice")
                            .setStatuses(List.of(RunStatus.COMPLETED))
                            .build());
            invalid.forEach(cancel::bulk);
            turns(3);

            List<BulkCancelProgress> progress = cancel.bulkProgress();
            assertThat(progress).hasSize(invalid.size()).allSatisfy(rejection -> {
                assertThat(rejection.getState()).isEqualTo(BulkState.REJECTED);
                assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
                assertThat(rejection.getPartition()).isEqualTo(-1);
            });
            assertThat(progress.get(4).getMessage()).contains("10001 executionIds");
            assertThat(cancel.changes()).isEmpty();
        }

        @Test
        void aBulkKeyedByAnotherIdThanItsBulkIdIsInvalid() {
            cancel.admin("alice");
            cancel.bulk(
                    "other-key",
                    start("bulk-1", "alice").build(),
                    new org.apache.kafka.common.header.internals.RecordHeaders());
            assertThat(last(cancel.bulkProgress()).getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        }

        @Test
        void inSignedModeTheTokensSubjectIsTheActorAndItsIdIfAnyTheBulkId() {
            cancel.close();
            CommandIdentity tokens = (authorization, now) -> switch (String.valueOf(authorization)) {
                case "Bearer alice" -> new ActorProof.Verified("alice", null, null);
                case "Bearer alice-for-bulk-1" -> new ActorProof.Verified("alice", null, "bulk-1");
                case "Bearer bob" -> new ActorProof.Verified("bob", null, null);
                default -> new ActorProof.Failed(IdentityFailure.MISSING_AUTHORIZATION);
            };
            cancel = new CancelDriver(Map.of(), tokens);
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 2);

            cancel.bulk("bulk-0", start("bulk-0", "alice").build(), headers(null));
            cancel.bulk("bulk-2", start("bulk-2", "alice").build(), headers("Bearer bob"));
            cancel.bulk("bulk-3", start("bulk-3", "alice").build(), headers("Bearer alice-for-bulk-1"));
            List<BulkCancelProgress> refused = cancel.bulkProgress();
            assertThat(refused)
                    .extracting(BulkCancelProgress::getState, BulkCancelProgress::getCode)
                    .containsOnly(org.assertj.core.groups.Tuple.tuple(BulkState.REJECTED, RejectionCode.UNAUTHORIZED));
            assertThat(refused)
                    .extracting(BulkCancelProgress::getMessage)
                    .containsExactly(
                            BulkMessages.unproven(IdentityFailure.MISSING_AUTHORIZATION),
                            BulkMessages.unproven(IdentityFailure.ACTOR_MISMATCH),
                            BulkMessages.unproven(IdentityFailure.TOKEN_ID_MISMATCH));
            assertThat(refused.get(2).getMessage()).contains("bulkId");
            turns(3);
            assertThat(cancel.changes()).isEmpty();

            cancel.bulk("bulk-1", start("bulk-1", "alice").build(), headers("Bearer alice-for-bulk-1"));
            turns(3);
            assertThat(cancellations()).containsOnlyKeys("run-0", "run-1");
        }

        private static Headers headers(String authorization) {
            Headers headers = new RecordHeaders();
            if (authorization != null) {
                headers.add(CommandIdentity.AUTHORIZATION_HEADER, authorization.getBytes(StandardCharsets.UTF_8));
            }
            return headers;
        }

        @Test
        void aRepeatedStartOfAKnownBulkProducesNothing() {
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 2);
            BulkCancelCommand bulk = start("bulk-1", "alice").build();
            cancel.bulk(bulk);
            turns(5);
            assertThat(cancellations()).hasSize(2);
            cancel.bulkProgress();

            runs("later-", TENANT, RunStatus.RUNNING, 2);
            cancel.bulk(bulk);
            turns(5);
            assertThat(cancel.changes()).isEmpty();
            assertThat(cancel.bulkProgress()).isEmpty();
        }
    }

    @Nested
    class Rule2EachTaskCancelsExactlyTheMatchingRunsItHolds {

        @Test
        void everyCancellableRunOfTheTenantIsCancelledWithTheBulksFields() {
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 3);
            runs("queued-", TENANT, RunStatus.QUEUED, 2);
            runs("done-", TENANT, RunStatus.COMPLETED, 2);
            runs("other-", OTHER_TENANT, RunStatus.RUNNING, 2);
            cancel.bulk(start("bulk-1", "alice").build());
            turns(3);

            Map<String, RunStateChange> cancelled = cancellations();
            assertThat(cancelled).containsOnlyKeys("run-0", "run-1", "run-2", "queued-0", "queued-1");
            RunStateChange change = cancelled.get("run-1");
            assertThat(change.getCommandId()).isEqualTo("bulk-1/run-1");
            assertThat(change.getBulkId()).isEqualTo("bulk-1");
            assertThat(change.getCancelledBy()).isEqualTo("alice");
            assertThat(change.getReason()).isEqualTo("tenant suspended");
            assertThat(change.getTraceId()).isEqualTo("trace-bulk-1");
            assertThat(change.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(change.getPreviousStatus()).isEqualTo(RunStatus.RUNNING);
            assertThat(change.getVersion()).isEqualTo(2L);

            BulkCancelProgress done = last(cancel.bulkProgress());
            assertThat(done.getState()).isEqualTo(BulkState.DONE);
            assertThat(done.getPartition()).isZero();
            assertThat(done.getScanned()).isEqualTo(9);
            assertThat(done.getMatched()).isEqualTo(5);
            assertThat(done.getCancelled()).isEqualTo(5);
        }

        @Test
        void onlyTheStatusesItNamesAreCancelled() {
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 2);
            runs("queued-", TENANT, RunStatus.QUEUED, 2);
            cancel.bulk(start("bulk-1", "alice")
                    .setStatuses(List.of(RunStatus.QUEUED))
                    .build());
            turns(3);

            assertThat(cancellations()).containsOnlyKeys("queued-0", "queued-1");
        }

        @Test
        void onlyRunsUpdatedBeforeTheTimeItNamesAreCancelled() {
            cancel.admin("alice");
            Instant incident = Instant.parse("2026-11-24T09:00:00Z");
            cancel.runStateRecord(
                    "old", TestRecords.runState("old", TENANT, RunStatus.QUEUED, 1, incident.minusSeconds(60)));
            cancel.runStateRecord("at", TestRecords.runState("at", TENANT, RunStatus.QUEUED, 1, incident));
            cancel.runStateRecord(
                    "new", TestRecords.runState("new", TENANT, RunStatus.QUEUED, 1, incident.plusSeconds(60)));
            cancel.bulk(start("bulk-1", "alice").setUpdatedBefore(incident).build());
            turns(3);

            assertThat(cancellations()).containsOnlyKeys("old");
        }

        @Test
        void aListedBulkCancelsOnlyTheListedRunsOfItsTenantAndCountsTheRest() {
            cancel.grant("root", List.of("admin"), List.of("*"));
            runs("run-", TENANT, RunStatus.RUNNING, 4);
            cancel.runState("ended", TENANT, RunStatus.FAILED, 1);
            cancel.runState("foreign", OTHER_TENANT, RunStatus.RUNNING, 1);
            cancel.bulk(start("bulk-1", "root")
                    .setExecutionIds(List.of("run-0", "run-2", "ended", "foreign", "missing"))
                    .build());
            turns(3);

            assertThat(cancellations()).containsOnlyKeys("run-0", "run-2");
            BulkCancelProgress done = last(cancel.bulkProgress());
            assertThat(done.getState()).isEqualTo(BulkState.DONE);
            assertThat(done.getScanned()).isEqualTo(5);
            assertThat(done.getCancelled()).isEqualTo(2);
            assertThat(done.getAlreadyTerminal()).isEqualTo(1);
            assertThat(done.getNotFound())
                    .as("a run in another tenant is as good as absent")
                    .isEqualTo(2);
        }

        /**
         * A task takes only its share of a bulk's list, and a share can be empty: most tasks' are
         * when a bulk lists a few runs. Such a task has nothing to do, not every run of the tenant.
         */
        @Test
        void aTaskHoldingNoneOfTheListedRunsCancelsNothing() {
            cancel.close();
            cancel = new CancelDriver(Map.of(), OptionalInt.of(PARTITIONS));
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 3);
            // TopologyTestDriver runs partition 0's task alone; the listed run belongs to another
            String elsewhere = IntStream.range(0, 1_000)
                    .mapToObj(i -> "listed-" + i)
                    .filter(id ->
                            KeyPartitioner.MURMUR2.partition(id.getBytes(StandardCharsets.UTF_8), PARTITIONS) != 0)
                    .findFirst()
                    .orElseThrow();
            cancel.bulk(
                    start("bulk-1", "alice").setExecutionIds(List.of(elsewhere)).build());
            turns(3);

            assertThat(cancel.changes())
                    .as("runs cancelled by a bulk that listed none of them")
                    .isEmpty();
            BulkCancelProgress done = last(cancel.bulkProgress());
            assertThat(done.getState()).isEqualTo(BulkState.DONE);
            assertThat(done.getScanned()).isZero();
            assertThat(done.getNotFound()).isZero();
        }

        @Test
        void aDryRunCountsTheMatchingRunsAndCancelsNothing() {
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 4);
            cancel.bulk(start("bulk-1", "alice").setDryRun(true).build());
            turns(3);

            assertThat(cancel.changes()).isEmpty();
            BulkCancelProgress done = last(cancel.bulkProgress());
            assertThat(done.getState()).isEqualTo(BulkState.DONE);
            assertThat(done.getDryRun()).isTrue();
            assertThat(done.getMatched()).isEqualTo(4);
            assertThat(done.getCancelled()).isZero();

            cancel.cancel("run-1", "alice");
            assertThat(cancellations()).containsOnlyKeys("run-1");
        }
    }

    @Nested
    class Rule3Paced {

        @Test
        void noMoreThanThePageSizeIsLookedAtInOneTurnAndSingleCancelsAreDecidedBetweenTurns() {
            cancel.close();
            cancel = new CancelDriver(Map.of(CancelProcessorConfig.BULK_PAGE_SIZE, 10));
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 35);
            cancel.bulk(start("bulk-1", "alice").build());
            cancel.advanceWallClock(TURN);
            assertThat(cancel.changes()).hasSize(10);

            cancel.runState("single", TENANT, RunStatus.RUNNING, 1);
            cancel.cancel("single", "alice");
            assertThat(cancellations()).containsOnlyKeys("single");

            turns(3);
            assertThat(cancel.changes()).hasSize(25);
            assertThat(last(cancel.bulkProgress()).getState()).isEqualTo(BulkState.DONE);
        }

        @Test
        void noMoreThanTheRateIsCancelledASecond() {
            cancel.close();
            cancel = new CancelDriver(Map.of(CancelProcessorConfig.BULK_RATE, 50));
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 120);
            cancel.bulk(start("bulk-1", "alice").build());
            turns(10); // one second
            int firstSecond = cancel.changes().size();
            assertThat(firstSecond).isBetween(45, 50);
            turns(30);
            assertThat(firstSecond + cancel.changes().size()).isEqualTo(120);
        }
    }

    @Nested
    class Rule4ExactlyOnce {

        @Test
        void aRunCancelledByASingleCommandIsNotCancelledAgainByTheBulkNorTheOtherWayRound() {
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 3);
            cancel.cancel("run-1", "alice");
            cancel.bulk(start("bulk-1", "alice").build());
            turns(3);
            cancel.cancel("run-2", "alice");

            Map<String, RunStateChange> cancelled = cancellations();
            assertThat(cancelled).containsOnlyKeys("run-0", "run-1", "run-2");
            assertThat(cancelled.get("run-1").getBulkId())
                    .as("a single cancel's")
                    .isNull();
            assertThat(cancel.rejections())
                    .extracting(rejection -> rejection.value().getCode())
                    .containsExactly(RejectionCode.ALREADY_TERMINAL);
        }

        @Test
        void twoBulksOverTheSameRunsCancelEachOnce() {
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 5);
            cancel.bulk(start("bulk-1", "alice").build());
            cancel.bulk(start("bulk-2", "alice").build());
            turns(3);

            Map<String, RunStateChange> cancelled = cancellations();
            assertThat(cancelled).hasSize(5);
            assertThat(cancelled.values())
                    .extracting(RunStateChange::getCommandId)
                    .allMatch(id -> id.startsWith("bulk-1/"));
        }
    }

    @Nested
    class Rule5Progress {

        @Test
        void aRunningBulkReportsAtLeastEveryFiveSecondsAndOnceWhenDone() {
            cancel.close();
            cancel = new CancelDriver(Map.of(CancelProcessorConfig.BULK_RATE, 10));
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 120);
            cancel.bulk(start("bulk-1", "alice").build());
            List<BulkCancelProgress> progress = new ArrayList<>();
            for (int second = 0; second < 13; second++) {
                turns(10);
                progress.addAll(cancel.bulkProgress());
            }
            assertThat(progress)
                    .extracting(BulkCancelProgress::getState)
                    .containsOnly(BulkState.RUNNING, BulkState.DONE);
            assertThat(progress).hasSizeBetween(3, 5);
            assertThat(last(progress).getState()).isEqualTo(BulkState.DONE);
            assertThat(last(progress).getCancelled()).isEqualTo(120);
            for (int i = 1; i < progress.size(); i++) {
                assertThat(progress.get(i).getCancelled())
                        .isGreaterThanOrEqualTo(progress.get(i - 1).getCancelled());
            }
        }
    }

    @Nested
    class Rule6PauseResumeAbort {

        @Test
        void aPausedBulkCancelsNothingUntilResumedAndAnAbortedOneNothingMore() {
            cancel.close();
            cancel = new CancelDriver(Map.of(CancelProcessorConfig.BULK_PAGE_SIZE, 5));
            cancel.admin("alice");
            cancel.admin("bob");
            runs("run-", TENANT, RunStatus.RUNNING, 30);
            cancel.bulk(start("bulk-1", "alice").build());
            cancel.advanceWallClock(TURN);
            assertThat(cancel.changes()).hasSize(5);

            cancel.bulk(control("bulk-1", "bob", BulkAction.PAUSE));
            turns(5);
            assertThat(cancel.changes()).isEmpty();
            assertThat(last(cancel.bulkProgress()).getState()).isEqualTo(BulkState.PAUSED);

            cancel.bulk(control("bulk-1", "alice", BulkAction.RESUME));
            cancel.advanceWallClock(TURN);
            assertThat(cancel.changes()).hasSize(5);

            cancel.bulk(control("bulk-1", "alice", BulkAction.ABORT));
            turns(10);
            assertThat(cancel.changes()).isEmpty();
            BulkCancelProgress aborted = last(cancel.bulkProgress());
            assertThat(aborted.getState()).isEqualTo(BulkState.ABORTED);
            assertThat(aborted.getCancelled()).isEqualTo(10);

            cancel.bulk(control("bulk-1", "alice", BulkAction.RESUME));
            BulkCancelProgress refused = last(cancel.bulkProgress());
            assertThat(refused.getState()).isEqualTo(BulkState.REJECTED);
            assertThat(refused.getCode()).isEqualTo(RejectionCode.ALREADY_TERMINAL);
        }

        @Test
        void aControlActionNeedsTheRoleForTheBulksTenantAndAKnownBulk() {
            cancel.admin("alice");
            cancel.grant("mallory", List.of("admin"), List.of(OTHER_TENANT));
            runs("run-", TENANT, RunStatus.RUNNING, 2);
            cancel.bulk(control("nope", "alice", BulkAction.PAUSE));
            assertThat(last(cancel.bulkProgress()).getCode()).isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);

            cancel.bulk(start("bulk-1", "alice")
                    .setStatuses(List.of(RunStatus.QUEUED))
                    .build());
            cancel.bulk(control("bulk-1", "mallory", BulkAction.ABORT));
            BulkCancelProgress refused = last(cancel.bulkProgress());
            assertThat(refused.getState()).isEqualTo(BulkState.REJECTED);
            assertThat(refused.getCode())
                    .as("as if there were no such bulk")
                    .isEqualTo(RejectionCode.EXECUTION_NOT_FOUND);
        }
    }

    @Nested
    class Rule7Cascade {

        @Test
        void theDescendantsOfARunABulkCancelsAreCancelledToo() {
            cancel.admin("alice");
            cancel.runState("parent", TENANT, RunStatus.RUNNING, 1, null);
            cancel.runState("child", TENANT, RunStatus.COMPLETED, 1, "parent");
            cancel.runState("grandchild", TENANT, RunStatus.RUNNING, 1, "child");
            cancel.bulk(
                    start("bulk-1", "alice").setExecutionIds(List.of("parent")).build());
            turns(3);

            Map<String, RunStateChange> cancelled = cancellations();
            assertThat(cancelled).containsOnlyKeys("parent", "grandchild");
            assertThat(cancelled.get("grandchild").getCascadedFrom()).isEqualTo("parent");
            assertThat(cancelled.get("grandchild").getBulkId()).isEqualTo("bulk-1");
            assertThat(cancelled.get("grandchild").getCommandId()).isEqualTo("bulk-1/parent/grandchild");
        }
    }

    @Nested
    class Rule8Bounded {

        @Test
        void noMoreThanMaxActiveBulksRunAtOnceAndTheOthersWait() {
            cancel.close();
            cancel = new CancelDriver(
                    Map.of(CancelProcessorConfig.BULK_MAX_ACTIVE, 1, CancelProcessorConfig.BULK_PAGE_SIZE, 2));
            cancel.admin("alice");
            runs("run-", TENANT, RunStatus.RUNNING, 4);
            runs("queued-", TENANT, RunStatus.QUEUED, 4);
            cancel.bulk(start("first", "alice")
                    .setStatuses(List.of(RunStatus.QUEUED))
                    .build());
            cancel.bulk(start("second", "alice")
                    .setStatuses(List.of(RunStatus.RUNNING))
                    .build());
            cancel.advanceWallClock(TURN);
            assertThat(cancel.changes())
                    .extracting(change -> change.value().getCommandId())
                    .allMatch(id -> id.startsWith("first/"));
            turns(10);
            assertThat(cancellations())
                    .hasSize(6)
                    .allSatisfy((executionId, change) -> assertThat(change.getCommandId())
                            .isEqualTo((executionId.startsWith("queued-") ? "first/" : "second/") + executionId));
        }
    }
}
