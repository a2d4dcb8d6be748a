package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.CascadeRule;
import io.controlplane.cancel.decision.Ids;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a descendant's task: a cascade arriving (key the descendant's executionId, value the
 * cancellation it carries), read from the processor's own internal topic, never from the public
 * commands topic, so no producer can forge one. The Kafka side of {@link CascadeRule}: loads the
 * descendant's state, applies what the rule says (state first), and sends the cascade on to the
 * descendant's children: the descendant's own cancellation if it was cancelled, the same one if it
 * was passed through. A cancellation goes to {@link #OUTCOMES}, the cascade onward to {@link #ONWARD}.
 */
final class CascadedCancelProcessor implements Processor<String, RunStateChange, String, RunStateChange> {

    /** The child node that turns a cancellation into an outcome record. */
    static final String OUTCOMES = "cascaded-outcomes";
    /** The child node that writes the cascade onward, to the internal topic this processor reads. */
    static final String ONWARD = "cascade-onward";

    private static final Logger log = LoggerFactory.getLogger(CascadedCancelProcessor.class);

    private ProcessorContext<String, RunStateChange> context;
    private KeyValueStore<String, RunState> runStates;
    private KeyValueStore<String, RunStateChange> cancellations;
    private CascadePasses passes;
    private ChildLinks links;
    private DecisionMetrics.Cascade metrics;

    @Override
    public void init(ProcessorContext<String, RunStateChange> context) {
        this.context = context;
        runStates = context.getStateStore(CancelStores.RUN_STATES);
        cancellations = context.getStateStore(CancelStores.CANCELLATIONS);
        passes = new CascadePasses(context.getStateStore(CancelStores.CASCADE_PASSED));
        links = new ChildLinks(context.getStateStore(CancelStores.CHILDREN));
        metrics =
                new DecisionMetrics.Cascade(context.metrics(), context.taskId().toString());
    }

    @Override
    public void process(Record<String, RunStateChange> record) {
        String descendantId = record.key();
        RunStateChange cause = record.value();
        long now = context.currentSystemTimeMs();
        CascadeRule.Result result = CascadeRule.decide(
                cause,
                descendantId,
                runStates.get(descendantId),
                cancellations.get(descendantId),
                passes.passed(descendantId, cause.getTenantId()),
                Instant.ofEpochMilli(now));
        metrics.record(result);
        if (result instanceof CascadeRule.Cancel cancel) {
            RunStateChange change = cancel.cancel().change();
            cancellations.put(descendantId, change);
            log.debug(
                    "Cancelled execution {} because {} was cancelled (command {}, traceId {})",
                    descendantId,
                    change.getCascadedFrom(),
                    change.getCommandId(),
                    change.getTraceId());
            context.forward(new Record<>(descendantId, change, now), OUTCOMES);
            cascadeToChildren(descendantId, change, now);
        } else if (result instanceof CascadeRule.PassThrough pass) {
            passes.add(descendantId, cause);
            if (pass.reason() == CascadeRule.Reason.OTHER_TENANT) {
                log.info(
                        "Left execution {} alone: {} was cancelled in tenant {}, and {} is not in that tenant;"
                                + " a cascade never cancels across tenants",
                        Ids.quote(descendantId),
                        Ids.quote(cause.getExecutionId()),
                        Ids.quote(cause.getTenantId()),
                        Ids.quote(descendantId));
            }
            cascadeToChildren(descendantId, cause, now);
        }
    }

    private void cascadeToChildren(String parentId, RunStateChange cause, long now) {
        for (String childId : links.childrenOf(parentId)) {
            context.forward(new Record<>(childId, cause, now), ONWARD);
        }
    }

    @Override
    public void close() {
        metrics.close();
    }
}
