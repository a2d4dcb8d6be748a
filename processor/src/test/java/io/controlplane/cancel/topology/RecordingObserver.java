package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.metrics.Outcome;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;

/**
 * Every event a processor observer is told per record, as one line each, latencies in ms; and the
 * totals it is told to read, kept apart (they are told once per task, not per record).
 */
final class RecordingObserver implements ProcessorObserver {

    final List<String> events = new ArrayList<>();
    final Map<Metric, Outcome> counting = new IdentityHashMap<>();
    final List<Outcome> ended = new ArrayList<>();
    final Map<Metric, BulkState> holding = new IdentityHashMap<>();
    final List<BulkState> holdingEnded = new ArrayList<>();

    @Override
    public void counting(Outcome outcome, Metric total) {
        counting.put(total, outcome);
    }

    @Override
    public void countingEnded(Metric total) {
        ended.add(counting.get(total));
    }

    @Override
    public void holdingBulks(BulkState state, Metric held) {
        holding.put(held, state);
    }

    @Override
    public void holdingBulksEnded(Metric held) {
        holdingEnded.add(holding.get(held));
    }

    @Override
    public void decided(Duration latency) {
        events.add("decided " + latency.toMillis());
    }

    @Override
    public void deadLettered(String topic) {
        events.add("dead letter from " + topic);
    }
}
