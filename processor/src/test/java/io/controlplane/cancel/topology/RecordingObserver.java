package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every event a processor observer is told, as one line each, latencies in ms. */
final class RecordingObserver implements ProcessorObserver {

    final List<String> events = new ArrayList<>();

    @Override
    public void cancelled(Duration latency) {
        events.add("cancelled " + latency.toMillis());
    }

    @Override
    public void rejected(RejectionCode code, Duration latency) {
        events.add("rejected " + code + " " + latency.toMillis());
    }

    @Override
    public void duplicate() {
        events.add("duplicate");
    }

    @Override
    public void waiting() {
        events.add("waiting");
    }

    @Override
    public void runStateIgnored() {
        events.add("run state ignored");
    }

    @Override
    public void deadLettered(String topic) {
        events.add("dead letter from " + topic);
    }
}
