package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.Decision;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * On the task of a run a command has just cancelled: the run's cancellation goes to each of its
 * known children, keyed by the child, to be judged on the child's task. Sees every decision on
 * commands; rejections cascade nothing. (A run cancelled by a cascade cascades on by itself, in
 * CascadedCancelProcessor.)
 */
final class ChildrenFanOut implements Processor<String, Decision.Outcome, String, RunStateChange> {

    private ProcessorContext<String, RunStateChange> context;
    private ChildLinks links;

    @Override
    public void init(ProcessorContext<String, RunStateChange> context) {
        this.context = context;
        links = new ChildLinks(context.getStateStore(CancelStores.CHILDREN));
    }

    @Override
    public void process(Record<String, Decision.Outcome> record) {
        record.value().accept(new Decision.Outcome.Visitor<Void>() {
            @Override
            public Void cancelled(RunStateChange change) {
                long now = context.currentSystemTimeMs();
                for (String childId : links.childrenOf(change.getExecutionId())) {
                    context.forward(new Record<>(childId, change, now));
                }
                return null;
            }

            @Override
            public Void rejected(CancelRejection rejection) {
                return null;
            }
        });
    }
}
