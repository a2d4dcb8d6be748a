package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.config.BulkPacing;
import io.controlplane.cancel.config.KeyPartitioner;
import io.controlplane.cancel.decision.BulkFilter;
import io.controlplane.cancel.state.BulkTaskRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The bulk cancels of one task (issue 18, rules 2 to 5 and 8): each bulk's position and counts live
 * in the store {@value CancelStores#BULK_TASKS}, written in the same transaction as the cancellations
 * they count, so a crash, restart or rebalance resumes where the last commit left it. The task works
 * on them in turns between its other records ({@link #turn}): at most {@link BulkPacing#pageSize()}
 * runs looked at per bulk per turn, at most {@link BulkPacing#ratePerSecond()} cancellations a
 * second over all of them, and only the first {@link BulkPacing#maxActive()} running bulks at once.
 */
final class BulkTasks {

    /** A running bulk reports at least this often. */
    static final long PROGRESS_INTERVAL_MS = 5_000;

    /** What the task does with one run a bulk looks at; {@link ExecutionProcessor} cancels it there. */
    interface Runs {
        /**
         * @param stored the run's record as the store holds it, or null
         * @param listed whether the bulk named the run
         */
        BulkFilter.Verdict visit(String executionId, byte[] stored, BulkCancelCommand bulk, boolean listed, long now);
    }

    private final KeyValueStore<String, BulkTaskRecord> store;
    private final KeyValueStore<String, byte[]> executions;
    private final BulkPacing pacing;
    private final Runs runs;
    private final int partition;
    private final int partitions;
    private final KeyPartitioner partitioner;
    private final long retentionMs;
    private final List<BulkCancelProgress> progress = new ArrayList<>();

    /** Bulks not ended on this task, by the order they came in. */
    private final TreeMap<Long, String> unfinished = new TreeMap<>();
    /** The unfinished bulks that are paused: the others run (or wait their turn to). */
    private final Set<String> paused = new HashSet<>();
    /** Ended bulks, with when: forgotten a retention later. */
    private final Map<String, Long> finished = new HashMap<>();

    private long nextSequence;
    private double tokens;
    private long lastTurnMs;

    BulkTasks(
            KeyValueStore<String, BulkTaskRecord> store,
            KeyValueStore<String, byte[]> executions,
            BulkPacing pacing,
            Runs runs,
            int partition,
            int partitions,
            KeyPartitioner partitioner,
            long retentionMs,
            long nowMs) {
        this.store = store;
        this.executions = executions;
        this.pacing = pacing;
        this.runs = runs;
        this.partition = partition;
        this.partitions = partitions;
        this.partitioner = partitioner;
        this.retentionMs = retentionMs;
        this.lastTurnMs = nowMs;
        try (KeyValueIterator<String, BulkTaskRecord> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, BulkTaskRecord> next = all.next();
                BulkTaskRecord bulk = next.value;
                nextSequence = Math.max(nextSequence, bulk.getSequence() + 1);
                if (bulk.getFinishedAtMs() == null) {
                    unfinished.put(bulk.getSequence(), next.key);
                    if (bulk.getState() == BulkState.PAUSED) {
                        paused.add(next.key);
                    }
                } else {
                    finished.put(next.key, bulk.getFinishedAtMs());
                }
            }
        }
    }

    /** An accepted START, PAUSE, RESUME or ABORT reaches this task. */
    void onCommand(String bulkId, BulkCancelCommand command, long now) {
        BulkTaskRecord held = store.get(bulkId);
        if (command.getAction() == BulkAction.START) {
            if (held != null) {
                return; // the bulk reached this task already
            }
            BulkCancelCommand ours = BulkCancelCommand.newBuilder(command)
                    .setExecutionIds(ownIds(command.getExecutionIds()))
                    .build();
            BulkTaskRecord bulk = BulkTaskRecord.newBuilder()
                    .setBulk(ours)
                    .setState(BulkState.RUNNING)
                    .setSequence(nextSequence++)
                    .build();
            unfinished.put(bulk.getSequence(), bulkId);
            if (!command.getExecutionIds().isEmpty() && ours.getExecutionIds().isEmpty()) {
                // A listed bulk none of whose runs this task holds: nothing to do here. (An empty
                // share would otherwise read as no list at all, and every run of the tenant be taken.)
                finish(bulkId, bulk, BulkState.DONE, now);
            }
            report(bulkId, bulk, now);
            return;
        }
        if (held == null || held.getFinishedAtMs() != null) {
            return;
        }
        switch (command.getAction()) {
            case PAUSE -> {
                held.setState(BulkState.PAUSED);
                paused.add(bulkId);
            }
            case RESUME -> {
                held.setState(BulkState.RUNNING);
                paused.remove(bulkId);
            }
            case ABORT -> finish(bulkId, held, BulkState.ABORTED, now);
            default -> {
                return;
            }
        }
        report(bulkId, held, now);
    }

    /** One turn: a page of each running bulk, as far as the rate allows; and old ended bulks forgotten. */
    void turn(long now) {
        forgetOld(now);
        if (unfinished.isEmpty()) {
            lastTurnMs = now;
            return;
        }
        long elapsed = Math.max(0, now - lastTurnMs);
        lastTurnMs = now;
        // At most a fifth of a second's rate saved up: after a stall the task catches up over a few
        // turns rather than in one burst of a second's worth, which would hold up its single cancels.
        tokens =
                Math.min(Math.max(1, pacing.ratePerSecond() / 5.0), tokens + pacing.ratePerSecond() * elapsed / 1000.0);
        int running = 0;
        for (String bulkId : new ArrayList<>(unfinished.values())) {
            BulkTaskRecord bulk = store.get(bulkId);
            if (bulk == null || bulk.getState() != BulkState.RUNNING) {
                continue;
            }
            if (running++ >= pacing.maxActive()) {
                break; // the others wait their turn
            }
            long scannedBefore = bulk.getScanned();
            boolean ended = bulk.getBulk().getExecutionIds().isEmpty() ? scanPage(bulk, now) : listPage(bulk, now);
            if (ended) {
                finish(bulkId, bulk, BulkState.DONE, now);
                report(bulkId, bulk, now);
            } else if (now - bulk.getLastProgressAtMs() >= PROGRESS_INTERVAL_MS) {
                report(bulkId, bulk, now);
            } else if (bulk.getScanned() != scannedBefore) {
                store.put(bulkId, bulk); // a turn that moved nothing (no rate left) writes nothing
            }
        }
    }

    /**
     * How many bulks not ended this task holds in {@code state}: RUNNING (those waiting for their
     * turn included) or PAUSED; 0 for any other state. From memory, for a gauge.
     */
    int held(BulkState state) {
        return switch (state) {
            case RUNNING -> unfinished.size() - paused.size();
            case PAUSED -> paused.size();
            default -> 0;
        };
    }

    /** The progress records written since the last call (the caller forwards them). */
    List<BulkCancelProgress> takeProgress() {
        List<BulkCancelProgress> taken = new ArrayList<>(progress);
        progress.clear();
        return taken;
    }

    /** The next runs in the store's key order after the cursor; whether the store has no more. */
    private boolean scanPage(BulkTaskRecord bulk, long now) {
        String cursor = bulk.getCursor();
        List<KeyValue<String, byte[]>> page = new ArrayList<>(pacing.pageSize());
        // read first and closed before any run is written: no write while the iterator is open
        try (KeyValueIterator<String, byte[]> next = executions.range(cursor, null)) {
            while (next.hasNext() && page.size() < pacing.pageSize() + 1) {
                KeyValue<String, byte[]> entry = next.next();
                if (!entry.key.equals(cursor)) {
                    page.add(entry);
                }
            }
        }
        boolean more = page.size() > pacing.pageSize();
        for (int i = 0; i < Math.min(page.size(), pacing.pageSize()); i++) {
            if (!mayCancel(bulk)) {
                return false;
            }
            KeyValue<String, byte[]> entry = page.get(i);
            count(bulk, runs.visit(entry.key, entry.value, bulk.getBulk(), false, now), false);
            bulk.setCursor(entry.key);
        }
        return !more;
    }

    /** The next listed runs of this partition; whether the list is done. */
    private boolean listPage(BulkTaskRecord bulk, long now) {
        List<String> ids = bulk.getBulk().getExecutionIds();
        int end = Math.min(ids.size(), bulk.getNextIndex() + pacing.pageSize());
        for (int i = bulk.getNextIndex(); i < end; i++) {
            if (!mayCancel(bulk)) {
                return false;
            }
            String executionId = ids.get(i);
            byte[] stored = executions.get(executionId);
            BulkFilter.Verdict verdict = runs.visit(executionId, stored, bulk.getBulk(), true, now);
            count(bulk, verdict, true);
            bulk.setNextIndex(i + 1);
        }
        return bulk.getNextIndex() >= ids.size();
    }

    /** A dry run cancels nothing, so only its page size paces it. */
    private boolean mayCancel(BulkTaskRecord bulk) {
        return bulk.getBulk().getDryRun() || tokens >= 1;
    }

    private void count(BulkTaskRecord bulk, BulkFilter.Verdict verdict, boolean listed) {
        bulk.setScanned(bulk.getScanned() + 1);
        switch (verdict) {
            case CANCEL -> {
                bulk.setMatched(bulk.getMatched() + 1);
                if (!bulk.getBulk().getDryRun()) {
                    bulk.setCancelled(bulk.getCancelled() + 1);
                    tokens--;
                }
            }
            case ALREADY_TERMINAL -> bulk.setAlreadyTerminal(bulk.getAlreadyTerminal() + 1);
            case NOT_MATCHED -> {
                if (listed) {
                    bulk.setNotFound(bulk.getNotFound() + 1);
                }
            }
        }
    }

    private void finish(String bulkId, BulkTaskRecord bulk, BulkState state, long now) {
        bulk.setState(state);
        bulk.setFinishedAtMs(now);
        unfinished.remove(bulk.getSequence());
        paused.remove(bulkId);
        finished.put(bulkId, now);
    }

    /** Writes the bulk's record and queues its progress. */
    private void report(String bulkId, BulkTaskRecord bulk, long now) {
        bulk.setLastProgressAtMs(now);
        store.put(bulkId, bulk);
        progress.add(BulkCancelProgress.newBuilder()
                .setBulkId(bulkId)
                .setPartition(partition)
                .setState(bulk.getState())
                .setScanned(bulk.getScanned())
                .setMatched(bulk.getMatched())
                .setCancelled(bulk.getCancelled())
                .setAlreadyTerminal(bulk.getAlreadyTerminal())
                .setNotFound(bulk.getNotFound())
                .setDryRun(bulk.getBulk().getDryRun())
                .setUpdatedAt(Instant.ofEpochMilli(now))
                .build());
    }

    private void forgetOld(long now) {
        if (finished.isEmpty()) {
            return;
        }
        finished.entrySet().removeIf(ended -> {
            if (now - ended.getValue() <= retentionMs) {
                return false;
            }
            store.delete(ended.getKey());
            return true;
        });
    }

    /** The listed runs this task holds: those the producers' partitioner puts on its partition. */
    private List<String> ownIds(List<String> executionIds) {
        List<String> ours = new ArrayList<>();
        for (String executionId : executionIds) {
            byte[] key = Topics.KEY_SERDE.serializer().serialize(null, executionId);
            if (partitions <= 1 || partitioner.partition(key, partitions) == partition) {
                ours.add(executionId);
            }
        }
        return ours;
    }
}
