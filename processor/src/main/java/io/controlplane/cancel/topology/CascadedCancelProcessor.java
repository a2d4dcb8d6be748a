package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.Decision;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * On a child's task: a parent's cancellation (key child executionId, value the parent's
 * cancellation record) read from the processor's own internal topic, never from the public commands
 * topic, so no producer can forge one.
 */
final class CascadedCancelProcessor implements Processor<String, RunStateChange, String, Decision.Outcome> {

    private CascadedCancels cascade;

    @Override
    public void init(ProcessorContext<String, Decision.Outcome> context) {
        cascade = new CascadedCancels(context);
    }

    @Override
    public void process(Record<String, RunStateChange> record) {
        cascade.onParentCancelled(record.key(), record.value());
    }

    @Override
    public void close() {
        cascade.close();
    }
}
