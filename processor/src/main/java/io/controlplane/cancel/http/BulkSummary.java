package io.controlplane.cancel.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.state.BulkTaskRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One bulk cancel summed over its partitions (GET /bulks/{bulkId}). Each task keeps its partition's
 * position and cumulative counts in its store {@code cancel-bulk-tasks}, so the bulk's counts are the
 * sum over the partitions, and its state follows from theirs ({@link #state}).
 */
final class BulkSummary {

    /** Longer {@code servedBy} values in another instance's share are refused: a host:port is short. */
    static final int MAX_SERVED_BY_LENGTH = 300;

    private static final ObjectMapper JSON = new ObjectMapper();

    private BulkSummary() {}

    /** One partition's share of a bulk, as its task keeps it, and the instance that read it. */
    record Partition(
            int partition,
            BulkState state,
            long scanned,
            long matched,
            long cancelled,
            long alreadyTerminal,
            long notFound,
            boolean dryRun,
            String servedBy) {

        static Partition of(int partition, BulkTaskRecord bulk, String servedBy) {
            return new Partition(
                    partition,
                    bulk.getState(),
                    bulk.getScanned(),
                    bulk.getMatched(),
                    bulk.getCancelled(),
                    bulk.getAlreadyTerminal(),
                    bulk.getNotFound(),
                    bulk.getBulk().getDryRun(),
                    servedBy);
        }
    }

    /**
     * One share per partition, in partition order. A partition reported twice (its task moved between
     * two instances' answers) counts once, as the one further along: its counts never go back.
     */
    static List<Partition> merge(Collection<Partition> reported) {
        Map<Integer, Partition> byPartition = new TreeMap<>();
        for (Partition share : reported) {
            byPartition.merge(
                    share.partition(), share, (held, other) -> other.scanned() > held.scanned() ? other : held);
        }
        return List.copyOf(byPartition.values());
    }

    /**
     * The bulk's state from its partitions': ABORTED if any partition is; DONE when every expected
     * partition reported and each is DONE; PAUSED if any is paused and none runs; else RUNNING (a
     * partition the bulk has not reached yet is still to run).
     */
    static BulkState state(Collection<Partition> partitions, int expected) {
        boolean running = false;
        boolean paused = false;
        boolean allDone = partitions.size() >= expected;
        for (Partition share : partitions) {
            switch (share.state()) {
                case ABORTED -> {
                    return BulkState.ABORTED;
                }
                case RUNNING -> running = true;
                case PAUSED -> paused = true;
                default -> {
                    // DONE, or REJECTED, which no task keeps
                }
            }
            allDone &= share.state() == BulkState.DONE;
        }
        if (allDone) {
            return BulkState.DONE;
        }
        return paused && !running ? BulkState.PAUSED : BulkState.RUNNING;
    }

    /** The answer's body: the bulk's state and counts summed over {@code partitions} (merged), then each. */
    static Map<String, Object> body(String bulkId, List<Partition> partitions, int expected) {
        long scanned = 0;
        long matched = 0;
        long cancelled = 0;
        long alreadyTerminal = 0;
        long notFound = 0;
        boolean dryRun = false;
        List<Map<String, Object>> each = new ArrayList<>();
        for (Partition share : partitions) {
            scanned += share.scanned();
            matched += share.matched();
            cancelled += share.cancelled();
            alreadyTerminal += share.alreadyTerminal();
            notFound += share.notFound();
            dryRun |= share.dryRun();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("partition", share.partition());
            one.put("state", share.state().name());
            one.put("scanned", share.scanned());
            one.put("matched", share.matched());
            one.put("cancelled", share.cancelled());
            one.put("alreadyTerminal", share.alreadyTerminal());
            one.put("notFound", share.notFound());
            one.put("dryRun", share.dryRun());
            one.put("servedBy", share.servedBy());
            each.add(one);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("bulkId", bulkId);
        body.put("state", state(partitions, expected).name());
        Map<String, Object> reported = new LinkedHashMap<>();
        reported.put("reported", partitions.size());
        reported.put("expected", expected);
        body.put("partitions", reported);
        body.put("scanned", scanned);
        body.put("matched", matched);
        body.put("cancelled", cancelled);
        body.put("alreadyTerminal", alreadyTerminal);
        body.put("notFound", notFound);
        body.put("dryRun", dryRun);
        body.put("perPartition", each);
        return body;
    }

    /**
     * The shares in another instance's answer to GET /bulks/{bulkId}?local=true (a body as {@link
     * #body} writes it), or empty if it is no such answer: about another bulk, a partition outside
     * {@code 0..expected-1}, a state or count that cannot be one.
     */
    static Optional<List<Partition>> shares(String bulkId, byte[] answer, int expected) {
        JsonNode body;
        try {
            body = JSON.readTree(answer);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (body == null
                || !bulkId.equals(body.path("bulkId").textValue())
                || !body.path("perPartition").isArray()) {
            return Optional.empty();
        }
        List<Partition> shares = new ArrayList<>();
        for (JsonNode one : body.path("perPartition")) {
            JsonNode partition = one.path("partition");
            JsonNode servedBy = one.path("servedBy");
            Optional<BulkState> state = state(one.path("state").textValue());
            if (!partition.isInt()
                    || partition.intValue() < 0
                    || partition.intValue() >= expected
                    || state.isEmpty()
                    || !one.path("dryRun").isBoolean()
                    || !servedBy.isTextual()
                    || servedBy.textValue().length() > MAX_SERVED_BY_LENGTH) {
                return Optional.empty();
            }
            long[] counts = new long[5];
            String[] names = {"scanned", "matched", "cancelled", "alreadyTerminal", "notFound"};
            for (int i = 0; i < names.length; i++) {
                JsonNode count = one.path(names[i]);
                if (!count.isIntegralNumber() || !count.canConvertToLong() || count.longValue() < 0) {
                    return Optional.empty();
                }
                counts[i] = count.longValue();
            }
            shares.add(new Partition(
                    partition.intValue(),
                    state.get(),
                    counts[0],
                    counts[1],
                    counts[2],
                    counts[3],
                    counts[4],
                    one.path("dryRun").booleanValue(),
                    servedBy.textValue()));
        }
        return Optional.of(shares);
    }

    private static Optional<BulkState> state(String name) {
        for (BulkState state : BulkState.values()) {
            if (state.name().equals(name)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
