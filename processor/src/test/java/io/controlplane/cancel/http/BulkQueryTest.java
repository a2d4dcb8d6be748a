package io.controlplane.cancel.http;

import static io.controlplane.cancel.http.Replies.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.decision.CancelPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class BulkQueryTest {

    private static final String TOKEN = "query-token";
    private static final String BEARER = "Bearer " + TOKEN;
    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo SECOND = new HostInfo("10.0.0.2", 8080);
    private static final HostInfo THIRD = new HostInfo("10.0.0.3", 8080);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeStreams streams = new FakeStreams();
    private final FakeInstances others = new FakeInstances();
    private final BulkQuery query = new BulkQuery(Optional.of(new QueryToken(TOKEN)), streams, others);

    /** Six partitions over three instances, two each; partition p's share has scanned = 10 + p. */
    private void bulkOnEveryPartition(String bulkId, BulkState... states) {
        streams.instances.put(SELF, Set.of(0, 1));
        streams.instances.put(SECOND, Set.of(2, 3));
        streams.instances.put(THIRD, Set.of(4, 5));
        for (int p = 0; p < 6; p++) {
            BulkSummary.Partition share = share(p, states.length > p ? states[p] : BulkState.RUNNING);
            if (p < 2) {
                streams.local.add(share);
            } else {
                others.shares
                        .computeIfAbsent(p < 4 ? SECOND : THIRD, host -> new ArrayList<>())
                        .add(share);
            }
        }
        others.bulkId = bulkId;
    }

    private static BulkSummary.Partition share(int partition, BulkState state) {
        return new BulkSummary.Partition(partition, state, 10 + partition, 4, 3, 1, 0, false, "host-of-" + partition);
    }

    @Test
    void offWithoutAConfiguredTokenWhateverTheRequest() {
        BulkQuery off = new BulkQuery(Optional.empty(), streams, others);
        bulkOnEveryPartition("bulk-1");
        for (String authorization : new String[] {null, BEARER}) {
            Reply reply = off.answer("bulk-1", authorization, false);
            assertThat(reply.status()).isEqualTo(404);
            assertThat(text(reply)).isEqualTo("{\"error\":\"query endpoint disabled\"}");
        }
        assertThat(others.asked).isEmpty();
    }

    @Test
    void unauthorizedWithoutOrWithAWrongTokenAndNoInstanceIsAsked() {
        bulkOnEveryPartition("bulk-1");
        for (String authorization : new String[] {null, "", "Bearer wrong", TOKEN, "Basic " + TOKEN}) {
            for (boolean localOnly : new boolean[] {false, true}) {
                Reply reply = query.answer("bulk-1", authorization, localOnly);
                assertThat(reply.status()).isEqualTo(401);
                assertThat(text(reply)).isEqualTo("{\"error\":\"unauthorized\"}");
            }
        }
        assertThat(others.asked).isEmpty();
    }

    @Test
    void badRequestForAnIdThatCannotNameABulk() {
        for (String id : new String[] {
            "", " ", "x".repeat(CancelPolicy.MAX_ID_LENGTH + 1), "b\n1", "b\u00001", "b\u007f", "b\r\nX-Injected: 1"
        }) {
            Reply reply = query.answer(id, BEARER, false);
            assertThat(reply.status()).as(id).isEqualTo(400);
            assertThat(text(reply)).startsWith("{\"error\":");
        }
        assertThat(query.answer("x".repeat(CancelPolicy.MAX_ID_LENGTH), BEARER, false)
                        .status())
                .isNotEqualTo(400);
        assertThat(others.asked).isEmpty();
    }

    @Test
    void theAnswerSumsThisInstancesPartitionsAndEveryOtherInstancesShareAskedWithTheToken() throws Exception {
        bulkOnEveryPartition("bulk-1");

        Reply reply = query.answer("bulk-1", BEARER, false);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo(Reply.JSON);
        JsonNode body = JSON.readTree(reply.body());
        assertThat(body.path("bulkId").asText()).isEqualTo("bulk-1");
        assertThat(body.path("state").asText()).isEqualTo("RUNNING");
        assertThat(body.path("partitions").toString()).isEqualTo("{\"reported\":6,\"expected\":6}");
        assertThat(body.path("scanned").asLong()).isEqualTo(10 + 11 + 12 + 13 + 14 + 15);
        assertThat(body.path("matched").asLong()).isEqualTo(24);
        assertThat(body.path("cancelled").asLong()).isEqualTo(18);
        assertThat(body.path("alreadyTerminal").asLong()).isEqualTo(6);
        assertThat(body.path("notFound").asLong()).isZero();
        assertThat(body.path("dryRun").asBoolean()).isFalse();
        assertThat(body.path("perPartition").findValuesAsText("servedBy"))
                .containsExactly("host-of-0", "host-of-1", "host-of-2", "host-of-3", "host-of-4", "host-of-5");
        assertThat(others.asked)
                .containsExactlyInAnyOrder("10.0.0.2:8080 bulk-1 " + BEARER, "10.0.0.3:8080 bulk-1 " + BEARER);
    }

    @Test
    void theStateFollowsFromEveryPartitionsState() throws Exception {
        bulkOnEveryPartition(
                "bulk-1",
                BulkState.DONE,
                BulkState.DONE,
                BulkState.DONE,
                BulkState.DONE,
                BulkState.DONE,
                BulkState.DONE);
        assertThat(JSON.readTree(query.answer("bulk-1", BEARER, false).body())
                        .path("state")
                        .asText())
                .isEqualTo("DONE");

        others.shares.get(THIRD).remove(1);
        assertThat(JSON.readTree(query.answer("bulk-1", BEARER, false).body())
                        .path("state")
                        .asText())
                .as("partition 5 not reached yet")
                .isEqualTo("RUNNING");
    }

    @Test
    void askedForItsShareOnlyAnInstanceAnswersFromItsOwnStoresAndAsksNoOne() throws Exception {
        bulkOnEveryPartition("bulk-1");

        Reply reply = query.answer("bulk-1", BEARER, true);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(reply.body());
        assertThat(body.path("partitions").toString()).isEqualTo("{\"reported\":2,\"expected\":6}");
        assertThat(body.path("scanned").asLong()).isEqualTo(21);
        assertThat(others.asked).isEmpty();
        assertThat(BulkSummary.shares("bulk-1", reply.body(), 6)).contains(streams.local);
    }

    @Test
    void askedForItsShareOfABulkItDoesNotHoldAnInstanceAnswersWithNoPartitionsNotA404() throws Exception {
        Reply reply = query.answer("bulk-9", BEARER, true);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(BulkSummary.shares("bulk-9", reply.body(), 6)).contains(List.of());
    }

    @Test
    void notFoundWhenNoPartitionHoldsTheBulk() {
        bulkOnEveryPartition("bulk-1");
        streams.local.clear();
        others.shares.clear();

        Reply reply = query.answer("bulk-9", BEARER, false);

        assertThat(reply.status()).isEqualTo(404);
        assertThat(text(reply)).isEqualTo("{\"bulkId\":\"bulk-9\",\"error\":\"unknown bulk\"}");
        assertThat(others.asked).hasSize(2);
    }

    @Test
    void unavailableWithRetryAfterWhileThisInstancesStoresCannotBeRead() {
        bulkOnEveryPartition("bulk-1");
        streams.state = KafkaStreams.State.REBALANCING;
        for (boolean localOnly : new boolean[] {false, true}) {
            Reply reply = query.answer("bulk-1", BEARER, localOnly);
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.headers()).containsEntry("Retry-After", Reply.RETRY_AFTER_SECONDS);
            assertThat(text(reply)).contains("\"state\":\"REBALANCING\"");
        }
    }

    @Test
    void unavailableWhileAPartitionHasNoInstance() {
        bulkOnEveryPartition("bulk-1");
        streams.instances.put(THIRD, Set.of(4));

        Reply reply = query.answer("bulk-1", BEARER, false);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.headers()).containsEntry("Retry-After", Reply.RETRY_AFTER_SECONDS);
        assertThat(text(reply)).contains("5 of 6");
    }

    @Test
    void unavailableWhenAnotherInstanceGivesNoShareOrOneThatIsNone() {
        bulkOnEveryPartition("bulk-1");
        others.answers.put(THIRD, Reply.unavailable(Map.of("error", "rebalancing there")));
        Reply reply = query.answer("bulk-1", BEARER, false);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.headers()).containsEntry("Retry-After", Reply.RETRY_AFTER_SECONDS);
        assertThat(text(reply)).contains("10.0.0.3:8080", "(503)");

        others.answers.put(THIRD, Reply.json(200, Map.of("bulkId", "bulk-1", "perPartition", List.of(Map.of()))));
        reply = query.answer("bulk-1", BEARER, false);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(text(reply)).contains("10.0.0.3:8080", "not a share");
    }

    @Test
    void aPartitionTwoInstancesReportWhileItsTaskMovesCountsOnce() throws Exception {
        bulkOnEveryPartition("bulk-1");
        others.shares.get(SECOND).add(share(1, BulkState.RUNNING));

        JsonNode body = JSON.readTree(query.answer("bulk-1", BEARER, false).body());

        assertThat(body.path("partitions").toString()).isEqualTo("{\"reported\":6,\"expected\":6}");
        assertThat(body.path("scanned").asLong()).isEqualTo(10 + 11 + 12 + 13 + 14 + 15);
    }

    /** Streams whose bulk store shares are a list; REBALANCING stores cannot be read. */
    private static final class FakeStreams implements StreamsView {
        KafkaStreams.State state = KafkaStreams.State.RUNNING;
        final Map<HostInfo, Set<Integer>> instances = new LinkedHashMap<>();
        final List<BulkSummary.Partition> local = new ArrayList<>();

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
            return Optional.empty();
        }

        @Override
        public Execution execution(String executionId, int partition) {
            throw new InvalidStateStoreException("not here");
        }

        @Override
        public int inputPartitions() {
            return 6;
        }

        @Override
        public Map<HostInfo, Set<Integer>> partitionsByInstance() {
            if (state != KafkaStreams.State.RUNNING) {
                throw new InvalidStateStoreException("not yet");
            }
            return instances;
        }

        @Override
        public List<BulkSummary.Partition> bulk(String bulkId) {
            if (state != KafkaStreams.State.RUNNING) {
                throw new InvalidStateStoreException("not yet");
            }
            return List.copyOf(local);
        }
    }

    /** The other instances: each answers with its shares as GET /bulks/{id}?local=true would, and remembers who asked. */
    private static final class FakeInstances extends OwnerForwarding {
        final List<String> asked = new ArrayList<>();
        final Map<HostInfo, List<BulkSummary.Partition>> shares = new HashMap<>();
        final Map<HostInfo, Reply> answers = new HashMap<>();
        String bulkId = "bulk-1";

        @Override
        Reply forward(HostInfo owner, String executionId, String authorization) {
            throw new AssertionError("no execution is asked for");
        }

        @Override
        CompletableFuture<Reply> share(HostInfo instance, String bulkId, String authorization) {
            synchronized (asked) {
                asked.add(instance.host() + ":" + instance.port() + " " + bulkId + " " + authorization);
            }
            Reply answer = answers.getOrDefault(
                    instance,
                    Reply.json(
                            200,
                            BulkSummary.body(bulkId, BulkSummary.merge(shares.getOrDefault(instance, List.of())), 6)));
            return CompletableFuture.completedFuture(answer);
        }
    }
}
