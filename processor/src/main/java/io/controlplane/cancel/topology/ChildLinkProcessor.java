package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunStateChange;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * On the parent's task: a child link (key parent, value child executionId) arriving. If this
 * processor has cancelled the parent already, the child gets the parent's cancellation at once
 * (however late it appears); otherwise the link is kept for when the parent is cancelled. Both
 * happen on the parent's task, one record at a time, so there is no window in between.
 */
final class ChildLinkProcessor implements Processor<String, String, String, RunStateChange> {

    private ProcessorContext<String, RunStateChange> context;
    private KeyValueStore<String, RunStateChange> cancellations;
    private ChildLinks links;

    @Override
    public void init(ProcessorContext<String, RunStateChange> context) {
        this.context = context;
        cancellations = context.getStateStore(CancelStores.CANCELLATIONS);
        links = new ChildLinks(context.getStateStore(CancelStores.CHILDREN));
    }

    @Override
    public void process(Record<String, String> link) {
        String parentId = link.key();
        String childId = link.value();
        RunStateChange parentCancellation = cancellations.get(parentId);
        if (parentCancellation != null) {
            context.forward(new Record<>(childId, parentCancellation, context.currentSystemTimeMs()));
        } else {
            links.add(parentId, childId);
        }
    }
}
