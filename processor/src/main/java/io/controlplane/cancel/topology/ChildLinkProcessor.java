package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunStateChange;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * On the parent's task: a child link (key parent, value child executionId) arriving. It is kept in
 * the children index for cascades to come; and if this processor has cancelled the parent already,
 * or a cascade passed through it, the child gets that cancellation at once, however late it
 * appears. Both happen on the parent's task, one record at a time, so there is no window between
 * a parent's cancellation and a child's link.
 */
final class ChildLinkProcessor implements Processor<String, String, String, RunStateChange> {

    private ProcessorContext<String, RunStateChange> context;
    private KeyValueStore<String, RunStateChange> cancellations;
    private CascadePasses passes;
    private ChildLinks links;

    @Override
    public void init(ProcessorContext<String, RunStateChange> context) {
        this.context = context;
        cancellations = context.getStateStore(CancelStores.CANCELLATIONS);
        passes = new CascadePasses(context.getStateStore(CancelStores.CASCADE_PASSED));
        links = new ChildLinks(context.getStateStore(CancelStores.CHILDREN));
    }

    @Override
    public void process(Record<String, String> link) {
        String parentId = link.key();
        String childId = link.value();
        links.add(parentId, childId);
        long now = context.currentSystemTimeMs();
        RunStateChange parentCancellation = cancellations.get(parentId);
        if (parentCancellation != null) {
            context.forward(new Record<>(childId, parentCancellation, now));
        }
        for (RunStateChange passedThrough : passes.causesThrough(parentId)) {
            context.forward(new Record<>(childId, passedThrough, now));
        }
    }
}
