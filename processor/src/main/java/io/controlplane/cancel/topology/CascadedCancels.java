package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.CascadeRule;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.decision.Ids;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of {@link CascadeRule} on a child's task: loads the child's state and this
 * processor's own cancellation of it, applies what the rule says (state first, then the record),
 * and keeps a cause whose child has no state yet until that state arrives, with no deadline: a
 * child may appear however late. Used when a parent's cancellation arrives, and by the run-state
 * processor when a child's state arrives.
 */
final class CascadedCancels {

    private static final Logger log = LoggerFactory.getLogger(CascadedCancels.class);

    private final ProcessorContext<String, Decision.Outcome> context;
    private final KeyValueStore<String, RunState> runStates;
    private final KeyValueStore<String, RunStateChange> cancellations;
    private final KeyValueStore<String, RunStateChange> pending;
    private final DecisionMetrics.Cascade metrics;

    CascadedCancels(ProcessorContext<String, Decision.Outcome> context) {
        this.context = context;
        this.runStates = context.getStateStore(CancelStores.RUN_STATES);
        this.cancellations = context.getStateStore(CancelStores.CANCELLATIONS);
        this.pending = context.getStateStore(CancelStores.CASCADE_PENDING);
        this.metrics =
                new DecisionMetrics.Cascade(context.metrics(), context.taskId().toString());
    }

    /** A parent's cancellation reached this child's task. */
    void onParentCancelled(String childId, RunStateChange cause) {
        CascadeRule.Result result = decide(childId, cause);
        if (result instanceof CascadeRule.KeepUntilStateArrives) {
            // One cause is enough: whichever parent's cancellation applies first cancels the child.
            if (pending.get(childId) == null) {
                pending.put(childId, cause);
            }
            return;
        }
        apply(childId, cause, result);
    }

    /** The child's state arrived (or changed): a cause kept for it is judged now. */
    void onRunState(String childId) {
        RunStateChange cause = pending.get(childId);
        if (cause == null) {
            return;
        }
        CascadeRule.Result result = decide(childId, cause);
        if (!(result instanceof CascadeRule.KeepUntilStateArrives)) {
            pending.delete(childId);
            apply(childId, cause, result);
        }
    }

    void close() {
        metrics.close();
    }

    private CascadeRule.Result decide(String childId, RunStateChange cause) {
        return CascadeRule.decide(
                cause,
                childId,
                runStates.get(childId),
                cancellations.get(childId),
                Instant.ofEpochMilli(context.currentSystemTimeMs()));
    }

    private void apply(String childId, RunStateChange cause, CascadeRule.Result result) {
        metrics.record(result);
        if (result instanceof CascadeRule.Cancel cancel) {
            RunStateChange change = cancel.cancel().change();
            cancellations.put(childId, change);
            log.debug(
                    "Cancelled execution {} because its parent {} was cancelled (command {}, traceId {})",
                    childId,
                    change.getCascadedFrom(),
                    change.getCommandId(),
                    change.getTraceId());
            context.forward(new Record<>(childId, cancel.cancel(), context.currentSystemTimeMs()));
        } else if (result instanceof CascadeRule.SkippedOtherTenant other) {
            log.info(
                    "Left execution {} alone: its parent {} was cancelled in tenant {}, but it runs in tenant {};"
                            + " a cascade never crosses tenants",
                    Ids.quote(childId),
                    Ids.quote(cause.getExecutionId()),
                    Ids.quote(cause.getTenantId()),
                    Ids.quote(other.childTenantId()));
        }
    }
}
