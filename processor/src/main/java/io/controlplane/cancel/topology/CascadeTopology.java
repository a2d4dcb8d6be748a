package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.decision.RunStateValidation;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Cascading cancellation (cancel.cascade=children), wired beside the rest of the topology.
 *
 * <p>Design: a child's state arrives on the child's partition, its parent's cancellation happens
 * on the parent's. So every run state that names a parent becomes a <em>link</em>, re-keyed by the
 * parent through the internal topic {@value #LINKS} (placed with cancel.partitioner, like the
 * re-keyed commands), and lands on the parent's task, in the children index (CancelStores.CHILDREN).
 * When that task cancels the parent on a command, each child in the index gets the parent's
 * cancellation through a second internal topic, {@value #CASCADE}, keyed by the child; the child's
 * task judges it with {@code decision.CascadeRule}: cancels the child, whose cancellation then goes
 * on to its own children the same way, or passes the same cancellation through to them (a child
 * that ended, or in another tenant, is left as it is, but its descendants are the cancelled run's
 * descendants too). Orders, all converging:
 *
 * <ul>
 *   <li>link, then parent cancelled (or passed through): the cascade finds the link;
 *   <li>parent cancelled (or passed through), then link (a child appearing however late): the link
 *       finds the parent's record in CANCELLATIONS (or CASCADE_PASSED) and brings it to the child;
 *   <li>both happen on the parent's task one record at a time, so there is no window between them;
 *   <li>a cascade reaching a child whose state was deleted does nothing: nothing needs keeping,
 *       because a state that names the parent again makes a new link, which brings the
 *       cancellation back (and a state that no longer names it is no longer its child).
 * </ul>
 *
 * Only this processor writes the two internal topics, so a cascaded cancel cannot be forged on the
 * public commands topic. A run is cancelled at most once (CANCELLATIONS guards it) and passed
 * through at most once per tenant (CASCADE_PASSED), so cycles in the parent links end.
 * exactly_once_v2 covers the internal topics and stores like everything else.
 */
final class CascadeTopology {

    /** Links, re-keyed by parent: the internal topic {@code <application.id>-cancel-child-links-repartition}. */
    static final String LINKS = "cancel-child-links";
    /** Parents' cancellations, keyed by child: {@code <application.id>-cancel-cascade-repartition}. */
    static final String CASCADE = "cancel-cascade";

    private static final String APPLY = "apply-cascaded-cancels";

    private CascadeTopology() {}

    /**
     * @param runStates run states as they arrive (checked for their partition)
     * @param outcomes  the decisions on commands and run states: each cancellation cascades
     * @return the outcomes of cascaded cancels, to be written with the others
     */
    static KStream<String, Decision.Outcome> wire(
            KStream<String, RunState> runStates,
            KStream<String, Decision.Outcome> outcomes,
            CancelProcessorConfig config) {
        KStream<String, RunStateChange> toLinkedChildren = runStates
                // an invalid run state is dead-lettered by track-run-states; it links nothing
                .filter(
                        (childId, state) -> state != null
                                && state.getParentExecutionId() != null
                                && RunStateValidation.problem(childId, state).isEmpty(),
                        Named.as("run-states-naming-a-parent"))
                .map(
                        (childId, state) -> KeyValue.pair(state.getParentExecutionId(), childId),
                        Named.as("key-link-by-parent"))
                .repartition(Repartitioned.<String, String>as(LINKS)
                        .withKeySerde(Topics.KEY_SERDE)
                        .withValueSerde(Topics.KEY_SERDE)
                        .withStreamPartitioner(new ExecutionPartitioner<>(config.partitioner())))
                .process(
                        ChildLinkProcessor::new,
                        Named.as("index-child-links"),
                        CancelStores.CHILDREN,
                        CancelStores.CANCELLATIONS,
                        CancelStores.CASCADE_PASSED);
        KStream<String, RunStateChange> toIndexedChildren =
                outcomes.process(ChildrenFanOut::new, Named.as("cascade-to-children"), CancelStores.CHILDREN);
        return toIndexedChildren
                .merge(toLinkedChildren, Named.as("parents-cancellations"))
                .repartition(Repartitioned.<String, RunStateChange>as(CASCADE)
                        .withKeySerde(Topics.KEY_SERDE)
                        .withValueSerde(CancelStores.cancellationSerde())
                        .withStreamPartitioner(new ExecutionPartitioner<>(config.partitioner())))
                .process(
                        CascadedCancelProcessor::new,
                        Named.as(APPLY),
                        CancelStores.RUN_STATES,
                        CancelStores.CANCELLATIONS,
                        CancelStores.CASCADE_PASSED,
                        CancelStores.CHILDREN)
                .mapValues(
                        change -> (Decision.Outcome) new Decision.Cancel(change),
                        Named.as(CascadedCancelProcessor.OUTCOMES));
    }

    /**
     * A cascade goes on from each descendant it reaches, through the same internal topic: a loop the
     * DSL cannot draw, so it is closed here, on the built topology, by a sink to that topic (Kafka
     * Streams prefixes it with the application.id as it does the DSL's own sink).
     */
    static Topology closeLoop(Topology topology, CancelProcessorConfig config) {
        return topology.addSink(
                CascadedCancelProcessor.ONWARD,
                CASCADE + "-repartition",
                Topics.KEY_SERDE.serializer(),
                CancelStores.cancellationSerde().serializer(),
                new ExecutionPartitioner<>(config.partitioner()),
                APPLY);
    }
}
