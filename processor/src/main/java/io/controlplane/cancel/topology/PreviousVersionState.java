package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.serde.AvroBinarySerde;
import io.controlplane.cancel.state.ExecutionRecordFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrade in place from the previous version (one store per concern, two processors, the cascade's
 * two repartition topics). Started with the same application.id, this version finds the previous
 * version's changelog topics (StartupChecks), declares those stores again so that Kafka Streams
 * restores them, and before its first record moves what they hold into each run's record: run
 * states, cancellations, waiting commands with their deadlines, children and cascade passes. Each
 * entry moved is deleted from its old store, so that a restart moves nothing twice. The decided
 * commands cannot be moved (the old store does not say which run each was decided on): that store
 * is kept and asked as well, for one dedup retention after the newest decision it holds, so that
 * every command decided within the retention before the upgrade is still a repeat.
 *
 * <p>The cascade's old internal topics are read on too (see {@link CancelTopology}), so links and
 * cascades the previous version left in flight arrive. Once a retention has passed since the
 * upgrade, the old topics can be deleted (README, "Upgrading").
 */
final class PreviousVersionState {

    private static final Logger log = LoggerFactory.getLogger(PreviousVersionState.class);

    static final String RUN_STATES = "cancel-run-states";
    static final String CANCELLATIONS = "cancel-cancellations";
    static final String DECIDED_COMMANDS = "cancel-decided-commands";
    static final String WAITING_COMMANDS = "cancel-waiting-commands";
    static final String WAITING_DEADLINES = "cancel-waiting-deadlines";
    static final String CHILDREN = "cancel-children";
    static final String CASCADE_PASSED = "cancel-cascade-passed";
    /** The previous version's cascade topics: links keyed by parent, cancellations keyed by child. */
    static final String LINKS_TOPIC_SUFFIX = "-cancel-child-links-repartition";

    static final String CASCADE_TOPIC_SUFFIX = "-cancel-cascade-repartition";

    /** The previous version joined the ids of its children and passes keys with U+0000 (ids hold no control character). */
    private static final char KEY_SEPARATOR = '\u0000';

    /** Entries moved per pass over an old store: bounds the memory a move takes, whatever the state's size. */
    private static final int BATCH = 10_000;

    private final KeyValueStore<String, byte[]> executions;
    private final ExecutionRecordFormat format;
    private final DueIndex due;
    private final long graceMs;
    private final ProcessorContext<?, ?> context;
    private final boolean cascade;
    private final DecidedCommands decided;
    /** The decided-commands store is asked until then: one retention after its newest entry. */
    private final long askDecidedUntilMs;

    private boolean moved;

    private PreviousVersionState(
            ProcessorContext<?, ?> context,
            KeyValueStore<String, byte[]> executions,
            ExecutionRecordFormat format,
            DueIndex due,
            ExecutionProcessor.Settings settings) {
        this.context = context;
        this.executions = executions;
        this.format = format;
        this.due = due;
        this.graceMs = settings.grace().toMillis();
        this.cascade = settings.cascade();
        WindowStore<String, Long> decidedStore = context.getStateStore(DECIDED_COMMANDS);
        this.decided = new DecidedCommands(decidedStore, settings.dedupRetention());
        long newest = Long.MIN_VALUE;
        try (KeyValueIterator<Windowed<String>, Long> all = decidedStore.all()) {
            while (all.hasNext()) {
                newest = Math.max(newest, all.next().key.window().start());
            }
        }
        this.askDecidedUntilMs = newest == Long.MIN_VALUE
                ? Long.MIN_VALUE
                : newest + settings.dedupRetention().toMillis();
    }

    /** Read at the task's start (the old stores are restored by then); moved with the first record. */
    static PreviousVersionState of(
            ProcessorContext<?, ?> context,
            KeyValueStore<String, byte[]> executions,
            ExecutionRecordFormat format,
            DueIndex due,
            ExecutionProcessor.Settings settings) {
        return new PreviousVersionState(context, executions, format, due, settings);
    }

    /** The previous version's stores, declared as it declared them, so that their changelogs restore into them. */
    static List<StoreBuilder<?>> stores(Duration dedupRetention, boolean cascade) {
        List<StoreBuilder<?>> stores = new ArrayList<>(List.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RUN_STATES), Serdes.String(), CancelStores.runStateSerde()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CANCELLATIONS),
                        Serdes.String(),
                        CancelStores.cancellationSerde()),
                Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(DECIDED_COMMANDS, dedupRetention, dedupRetention, false),
                        Serdes.String(),
                        Serdes.Long()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(WAITING_COMMANDS),
                        Serdes.String(),
                        new AvroBinarySerde<>(CancelCommand.class)),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(WAITING_DEADLINES), Serdes.Bytes(), Serdes.ByteArray())));
        if (cascade) {
            stores.add(Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(CHILDREN), Serdes.String(), Serdes.ByteArray()));
            stores.add(Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(CASCADE_PASSED), Serdes.String(), CancelStores.cancellationSerde()));
        }
        return stores;
    }

    static String[] storeNames(boolean cascade) {
        return stores(Duration.ofMillis(1), cascade).stream()
                .map(StoreBuilder::name)
                .toArray(String[]::new);
    }

    /** Whether the previous version decided this actor's command with this id within the retention. */
    boolean decided(String actorId, String commandId, long nowMs) {
        return nowMs <= askDecidedUntilMs && decided.contains(actorId, commandId, nowMs);
    }

    /** Moves what the old stores hold into the runs' records, the first time it is called. */
    void moveOnce() {
        if (moved) {
            return;
        }
        moved = true;
        long now = context.currentSystemTimeMs();
        int runs = move(
                RUN_STATES,
                (String id, RunState state) -> update(id, run -> {
                    if (run.upstream() == null) {
                        run.upstream(state);
                    }
                }));
        int cancellations = move(
                CANCELLATIONS,
                (String id, RunStateChange change) -> update(id, run -> {
                    if (run.cancellation() == null) {
                        run.cancellation(change);
                    }
                }));
        Map<String, Long> deadlines = new HashMap<>();
        move(WAITING_DEADLINES, (Bytes key, byte[] ignored) -> {
            byte[] bytes = key.get();
            deadlines.put(
                    new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8),
                    ByteBuffer.wrap(bytes).getLong());
        });
        int waiting = move(WAITING_COMMANDS, (String key, CancelCommand command) -> {
            long deadline = deadlines.getOrDefault(key, now + graceMs);
            update(command.getExecutionId(), run -> {
                if (!run.waiting(command.getCancelledBy(), command.getCommandId())) {
                    run.addWaiting(command, deadline);
                    due.add(deadline, command.getExecutionId());
                }
            });
        });
        int links = 0;
        int passes = 0;
        if (cascade) {
            links = move(CHILDREN, (String key, byte[] ignored) -> {
                int separator = key.indexOf(KEY_SEPARATOR);
                update(key.substring(0, separator), run -> run.addChild(key.substring(separator + 1)));
            });
            passes = move(CASCADE_PASSED, (String key, RunStateChange cause) -> {
                String executionId = key.substring(0, key.indexOf(KEY_SEPARATOR));
                update(executionId, run -> {
                    if (!run.passed(cause)) {
                        run.addPass(cause);
                    }
                });
            });
        }
        if (runs + cancellations + waiting + links + passes > 0) {
            log.info(
                    "Task {}: moved the previous version's state into one record per run: {} run states, {}"
                            + " cancellations, {} waiting commands, {} child links, {} cascade passes; its decided"
                            + " commands are asked until {}",
                    context.taskId(),
                    runs,
                    cancellations,
                    waiting,
                    links,
                    passes,
                    askDecidedUntilMs == Long.MIN_VALUE ? "never (none)" : Instant.ofEpochMilli(askDecidedUntilMs));
        }
    }

    private interface RunUpdate {
        void apply(RunRecord run);
    }

    private void update(String executionId, RunUpdate change) {
        byte[] stored = executions.get(executionId);
        RunRecord run = stored == null ? RunRecord.empty() : RunRecord.loaded(format.decode(stored));
        change.apply(run);
        executions.put(executionId, format.encode(run.value()));
    }

    /** Moves every entry of an old store, a batch at a time, deleting each once moved; how many. */
    private <K, V> int move(String storeName, BiConsumer<K, V> into) {
        KeyValueStore<K, V> store = context.getStateStore(storeName);
        int moved = 0;
        while (true) {
            List<KeyValue<K, V>> batch = new ArrayList<>();
            try (KeyValueIterator<K, V> all = store.all()) {
                while (all.hasNext() && batch.size() < BATCH) {
                    batch.add(all.next());
                }
            }
            if (batch.isEmpty()) {
                return moved;
            }
            for (KeyValue<K, V> entry : batch) {
                if (entry.value != null) {
                    into.accept(entry.key, entry.value);
                }
                store.delete(entry.key);
            }
            moved += batch.size();
        }
    }
}
