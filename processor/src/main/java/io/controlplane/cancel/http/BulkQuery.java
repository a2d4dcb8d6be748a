package io.controlplane.cancel.http;

import io.controlplane.cancel.decision.CancelPolicy;
import io.controlplane.cancel.decision.Ids;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * GET /bulks/{bulkId}: one bulk cancel's progress summed over its partitions, from whichever instance
 * is asked. Every task keeps its partition's share in its own store, so the instance asked reads its
 * own tasks' stores one partition at a time, asks every other instance for its share (the query flag
 * {@value OwnerForwarding#LOCAL_ONLY}: such a request is answered from the stores of the instance
 * asked and never passed on, so asking cannot loop), and sums. Guarded as GET /executions/{id} is:
 * the same bearer token, and off without one.
 */
final class BulkQuery {

    private final Optional<QueryToken> token;
    private final StreamsView streams;
    private final OwnerForwarding forwarding;

    BulkQuery(Optional<QueryToken> token, StreamsView streams, OwnerForwarding forwarding) {
        this.token = token;
        this.streams = streams;
        this.forwarding = forwarding;
    }

    /**
     * @param authorization the request's Authorization header, or null
     * @param localOnly whether only this instance's share is asked for (another instance asks so)
     */
    Reply answer(String bulkId, String authorization, boolean localOnly) {
        Optional<Reply> refusal = QueryToken.refusal(token, authorization);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        String problem = problem(bulkId);
        if (problem != null) {
            return Reply.json(400, Map.of("error", problem));
        }
        int expected = streams.inputPartitions();
        List<BulkSummary.Partition> reported = new ArrayList<>();
        Map<HostInfo, Set<Integer>> instances = Map.of();
        try {
            if (!localOnly) {
                instances = streams.partitionsByInstance();
            }
            reported.addAll(streams.bulk(bulkId));
        } catch (InvalidStateStoreException e) {
            return unavailable("this instance's bulk stores cannot be read yet");
        }
        if (localOnly) {
            return Reply.json(200, BulkSummary.body(bulkId, BulkSummary.merge(reported), expected));
        }
        Set<Integer> covered = new TreeSet<>();
        instances.values().forEach(covered::addAll);
        if (covered.size() < expected) {
            return unavailable("not every partition has an instance yet (" + covered.size() + " of " + expected + ")");
        }
        Map<HostInfo, CompletableFuture<Reply>> asked = new LinkedHashMap<>();
        for (HostInfo instance : instances.keySet()) {
            if (!instance.equals(streams.self())) {
                asked.put(instance, forwarding.share(instance, bulkId, authorization));
            }
        }
        for (Map.Entry<HostInfo, CompletableFuture<Reply>> answer : asked.entrySet()) {
            String where = answer.getKey().host() + ":" + answer.getKey().port();
            Reply share = answer.getValue().join();
            if (share.status() != 200) {
                return unavailable(
                        "the instance " + where + " did not give its share of this bulk (" + share.status() + ")");
            }
            Optional<List<BulkSummary.Partition>> shares = BulkSummary.shares(bulkId, share.body(), expected);
            if (shares.isEmpty()) {
                return unavailable("the instance " + where + " answered with what is not a share of this bulk");
            }
            reported.addAll(shares.get());
        }
        List<BulkSummary.Partition> partitions = BulkSummary.merge(reported);
        if (partitions.isEmpty()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("bulkId", bulkId);
            body.put("error", "unknown bulk");
            return Reply.json(404, body);
        }
        return Reply.json(200, BulkSummary.body(bulkId, partitions, expected));
    }

    /** Why {@code bulkId} cannot name a bulk, or null if it can. */
    static String problem(String bulkId) {
        if (bulkId.isBlank()) {
            return "no bulkId";
        }
        if (bulkId.length() > CancelPolicy.MAX_ID_LENGTH) {
            return "a bulkId has at most " + CancelPolicy.MAX_ID_LENGTH + " characters";
        }
        if (Ids.hasControlCharacter(bulkId)) {
            return "a bulkId holds no control characters";
        }
        return null;
    }

    private Reply unavailable(String why) {
        return Reply.unavailable(why, streams.state());
    }
}
