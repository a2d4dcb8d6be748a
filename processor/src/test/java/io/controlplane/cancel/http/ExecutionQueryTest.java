package io.controlplane.cancel.http;

import static io.controlplane.cancel.http.Replies.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.decision.CancelPolicy;
import io.controlplane.cancel.state.GracefulCancel;
import io.controlplane.cancel.state.HeldCommand;
import io.controlplane.cancel.state.WaitingCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class ExecutionQueryTest {

    private static final String TOKEN = "query-token";
    private static final String BEARER = "Bearer " + TOKEN;
    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8080);

    private final FakeStreams streams = new FakeStreams();
    private final RecordingForwarding forwarding = new RecordingForwarding();
    private final ExecutionQuery query = new ExecutionQuery(Optional.of(new QueryToken(TOKEN)), streams, forwarding);

    @Test
    void offWithoutAConfiguredTokenWhateverTheRequest() {
        ExecutionQuery off = new ExecutionQuery(Optional.empty(), streams, forwarding);
        streams.own("e-1", run("e-1"), null);

        for (String authorization : new String[] {null, BEARER, "Bearer anything"}) {
            Reply reply = off.answer("e-1", authorization, false);
            assertThat(reply.status()).isEqualTo(404);
            assertThat(text(reply)).isEqualTo("{\"error\":\"query endpoint disabled\"}");
        }
    }

    @Test
    void unauthorizedWithoutOrWithAWrongToken() {
        streams.own("e-1", run("e-1"), null);
        for (String authorization : new String[] {null, "", "Bearer wrong", TOKEN, "Basic " + TOKEN}) {
            Reply reply = query.answer("e-1", authorization, false);
            assertThat(reply.status()).isEqualTo(401);
            assertThat(text(reply)).isEqualTo("{\"error\":\"unauthorized\"}");
        }
        assertThat(forwarding.asked).isEmpty();
    }

    @Test
    void badRequestForAnIdThatCannotNameARun() {
        for (String id : new String[] {"", "x".repeat(CancelPolicy.MAX_ID_LENGTH + 1), "e\n1", "e\u00001"}) {
            Reply reply = query.answer(id, BEARER, false);
            assertThat(reply.status()).as(id).isEqualTo(400);
            assertThat(text(reply)).startsWith("{\"error\":");
        }
    }

    @Test
    void theEffectiveStatusFirstThenUpstreamsViewAndTheCancellationFromTheOwnersOwnStore() {
        RunStateChange change = RunStateChange.newBuilder()
                .setExecutionId("e-1")
                .setTenantId("t1")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(Instant.parse("2026-11-25T18:00:00.123Z"))
                .setCancelledBy("alice")
                .setReason("stuck")
                .setCommandId("c-1")
                .setVersion(4)
                .setTraceId("tr-1")
                .build();
        streams.own("e-1", run("e-1"), change);

        Reply reply = query.answer("e-1", BEARER, false);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo(Reply.JSON);
        assertThat(text(reply))
                .isEqualTo("{\"executionId\":\"e-1\",\"status\":\"CANCELLED\","
                        + "\"run\":{\"status\":\"RUNNING\",\"version\":3,\"tenantId\":\"t1\",\"deadlineAt\":null},"
                        + "\"cancellation\":{\"cancelledBy\":\"alice\",\"cancelledAt\":\"2026-11-25T18:00:00.123Z\","
                        + "\"commandId\":\"c-1\",\"reason\":\"stuck\",\"traceId\":\"tr-1\",\"escalated\":false},"
                        + "\"cancelling\":null,\"scheduled\":[],\"waiting\":[],"
                        + "\"servedBy\":\"10.0.0.1:8080\"}");
    }

    @Test
    void aGracefulCancelGoingOnMakesTheRunCancellingAndSaysWhoAskedWhenAndWhenItIsForced() {
        RunState run = new RunState(
                "e-1",
                "t1",
                RunStatus.RUNNING,
                3L,
                Instant.parse("2026-11-25T17:00:00Z"),
                null,
                Instant.parse("2026-11-25T20:00:00Z"));
        RunStateChange cancelling = RunStateChange.newBuilder()
                .setExecutionId("e-1")
                .setTenantId("t1")
                .setStatus(RunStatus.CANCELLING)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(Instant.parse("2026-11-25T18:00:00.123Z"))
                .setCancelledBy("alice")
                .setReason("stuck")
                .setCommandId("c-1")
                .setVersion(4)
                .setTraceId("tr-1")
                .build();
        streams.own(
                "e-1",
                new StreamsView.Execution(
                        run,
                        null,
                        new GracefulCancel(
                                cancelling,
                                Instant.parse("2026-11-25T18:02:00.123Z").toEpochMilli()),
                        List.of(),
                        List.of()));

        Reply reply = query.answer("e-1", BEARER, false);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(text(reply))
                .isEqualTo("{\"executionId\":\"e-1\",\"status\":\"CANCELLING\","
                        + "\"run\":{\"status\":\"RUNNING\",\"version\":3,\"tenantId\":\"t1\","
                        + "\"deadlineAt\":\"2026-11-25T20:00:00Z\"},"
                        + "\"cancellation\":null,"
                        + "\"cancelling\":{\"commandId\":\"c-1\",\"cancelledBy\":\"alice\","
                        + "\"askedAt\":\"2026-11-25T18:00:00.123Z\",\"escalatesAt\":\"2026-11-25T18:02:00.123Z\"},"
                        + "\"scheduled\":[],\"waiting\":[],"
                        + "\"servedBy\":\"10.0.0.1:8080\"}");
    }

    @Test
    void anEscalatedCancellationSaysSo() {
        RunStateChange forced = RunStateChange.newBuilder()
                .setExecutionId("e-1")
                .setTenantId("t1")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.CANCELLING)
                .setCancelledAt(Instant.parse("2026-11-25T18:02:00.123Z"))
                .setCancelledBy("alice")
                .setCommandId("c-1")
                .setVersion(5)
                .setEscalated(true)
                .build();
        streams.own("e-1", run("e-1"), forced);
        assertThat(text(query.answer("e-1", BEARER, false)))
                .contains("\"status\":\"CANCELLED\"")
                .contains("\"escalated\":true")
                .contains("\"cancelling\":null");
    }

    @Test
    void commandsHeldForLaterAndWaitingForTheRunAreListedSoonestFirstWithoutTheirReasonOrToken() {
        streams.own(
                "e-1",
                new StreamsView.Execution(
                        run("e-1"),
                        null,
                        null,
                        List.of(
                                held("c-late", "bob", CancelMode.FORCE, "2026-11-26T09:00:00Z"),
                                held("c-soon", "carol", CancelMode.GRACEFUL, "2026-11-25T19:00:00Z")),
                        List.of(new WaitingCommand(
                                command("c-w", "dave", CancelMode.FORCE, null),
                                Instant.parse("2026-11-25T18:00:10Z").toEpochMilli()))));

        String json = text(query.answer("e-1", BEARER, false));

        assertThat(json)
                .contains("\"status\":\"RUNNING\"")
                .contains("\"scheduled\":["
                        + "{\"commandId\":\"c-soon\",\"cancelledBy\":\"carol\",\"mode\":\"GRACEFUL\","
                        + "\"notBefore\":\"2026-11-25T19:00:00Z\"},"
                        + "{\"commandId\":\"c-late\",\"cancelledBy\":\"bob\",\"mode\":\"FORCE\","
                        + "\"notBefore\":\"2026-11-26T09:00:00Z\"}],"
                        + "\"waiting\":[{\"commandId\":\"c-w\",\"cancelledBy\":\"dave\",\"mode\":\"FORCE\","
                        + "\"notFoundAt\":\"2026-11-25T18:00:10Z\"}],")
                .doesNotContain("secret reason")
                .doesNotContain("NotListed");
    }

    @Test
    void atMostTwentyHeldCommandsAreListedAndTheRestCounted() {
        List<HeldCommand> many = new ArrayList<>();
        for (int i = 0; i < ExecutionQuery.MAX_LISTED + 7; i++) {
            many.add(held("c-" + i, "bob", CancelMode.FORCE, "2026-11-26T09:00:00Z"));
        }
        streams.own("e-1", new StreamsView.Execution(run("e-1"), null, null, many, List.of()));

        String json = text(query.answer("e-1", BEARER, false));

        assertThat(json.split("\"commandId\"", -1)).hasSize(ExecutionQuery.MAX_LISTED + 1);
        assertThat(json).contains("\"scheduledNotListed\":7");
    }

    @Test
    void aRunWithOnlyAHeldCommandIsKnownWithoutAStatus() {
        streams.own(
                "e-9",
                new StreamsView.Execution(
                        null,
                        null,
                        null,
                        List.of(held("c-1", "bob", CancelMode.FORCE, "2026-11-26T09:00:00Z")),
                        List.of()));

        Reply reply = query.answer("e-9", BEARER, false);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(text(reply)).startsWith("{\"executionId\":\"e-9\",\"status\":null,\"run\":null,");
    }

    @Test
    void aRunNotCancelledHereHasANullCancellation() {
        streams.own("e-1", run("e-1"), null);
        assertThat(text(query.answer("e-1", BEARER, false))).contains("\"cancellation\":null");
    }

    @Test
    void notFoundWhenNeitherARunNorACancellationIsHeld() {
        streams.own("e-9", null, null);
        Reply reply = query.answer("e-9", BEARER, false);
        assertThat(reply.status()).isEqualTo(404);
        assertThat(text(reply)).isEqualTo("{\"executionId\":\"e-9\",\"error\":\"unknown execution\"}");
    }

    @Test
    void unavailableWhileTheOwnerIsNotKnown() {
        streams.state = KafkaStreams.State.REBALANCING;
        Reply reply = query.answer("e-1", BEARER, false);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(text(reply)).contains("\"state\":\"REBALANCING\"");
        assertThat(reply.headers()).containsEntry("Retry-After", Reply.RETRY_AFTER_SECONDS);
    }

    @Test
    void unavailableWhileTheOwnedStoreCannotBeRead() {
        streams.owners.put("e-1", new StreamsView.Owner(SELF, 2));
        Reply reply = query.answer("e-1", BEARER, false);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(text(reply)).contains("\"state\":\"RUNNING\"");
        assertThat(reply.headers()).containsEntry("Retry-After", Reply.RETRY_AFTER_SECONDS);
    }

    @Test
    void askedForAnotherInstancesExecutionItForwardsToThatOwnerWithTheToken() {
        streams.owners.put("e-2", new StreamsView.Owner(OTHER, 1));
        Reply reply = query.answer("e-2", BEARER, false);
        assertThat(text(reply)).isEqualTo("{\"from\":\"owner\"}");
        assertThat(forwarding.asked).containsExactly("10.0.0.2:8080 e-2 " + BEARER);
    }

    @Test
    void aForwardedRequestIsNeverForwardedAgain() {
        streams.owners.put("e-2", new StreamsView.Owner(OTHER, 1));
        Reply reply = query.answer("e-2", BEARER, true);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(forwarding.asked).isEmpty();
    }

    private static HeldCommand held(String commandId, String actor, CancelMode mode, String notBefore) {
        Instant at = Instant.parse(notBefore);
        return new HeldCommand(command(commandId, actor, mode, at), at.toEpochMilli());
    }

    private static CancelCommand command(String commandId, String actor, CancelMode mode, Instant notBefore) {
        return new CancelCommand(
                commandId,
                "e-1",
                actor,
                "secret reason",
                Instant.parse("2026-11-25T17:59:00Z"),
                "tr",
                mode,
                null,
                notBefore);
    }

    private static RunState run(String executionId) {
        return new RunState(
                executionId, "t1", RunStatus.RUNNING, 3L, Instant.parse("2026-11-25T17:00:00Z"), null, null);
    }

    /** Streams whose stores are maps; a key with no owner entry has no known owner. */
    private static final class FakeStreams implements StreamsView {
        KafkaStreams.State state = KafkaStreams.State.RUNNING;
        final Map<String, Owner> owners = new HashMap<>();
        final Map<String, Execution> held = new HashMap<>();

        void own(String executionId, RunState run, RunStateChange cancellation) {
            own(executionId, new Execution(run, cancellation));
        }

        void own(String executionId, Execution execution) {
            owners.put(executionId, new Owner(SELF, 0));
            held.put(executionId, execution);
        }

        @Override
        public KafkaStreams.State state() {
            return state;
        }

        @Override
        public HostInfo self() {
            return SELF;
        }

        @Override
        public Optional<Owner> owner(String executionId) {
            return Optional.ofNullable(owners.get(executionId));
        }

        @Override
        public Execution execution(String executionId, int partition) {
            Execution execution = held.get(executionId);
            if (execution == null) {
                throw new InvalidStateStoreException("not yet");
            }
            return execution;
        }

        @Override
        public int inputPartitions() {
            return 6;
        }

        @Override
        public Map<HostInfo, Set<Integer>> partitionsByInstance() {
            return Map.of();
        }

        @Override
        public List<BulkSummary.Partition> bulk(String bulkId) {
            return List.of();
        }
    }

    /** Answers for the owner, and remembers whom it asked for what. */
    private static final class RecordingForwarding extends OwnerForwarding {
        final List<String> asked = new ArrayList<>();

        @Override
        Reply forward(HostInfo owner, String executionId, String authorization) {
            asked.add(owner.host() + ":" + owner.port() + " " + executionId + " " + authorization);
            return Reply.json(200, Map.of("from", "owner"));
        }
    }
}
