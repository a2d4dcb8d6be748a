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
 * When that task cancels the parent (a command, or a cascade), each child in the index gets the
 * parent's cancellation record through a second internal topic, {@value #CASCADE}, keyed by the
 * child; the child's task judges it with {@code decision.CascadeRule}, and a child it cancels
 * cascades to its own children the same way, through the same topic. Orders, all converging:
 *
 * <ul>
 *   <li>link, then parent cancelled: the cancellation finds the link;
 *   <li>parent cancelled, then link (a child appearing however late): the link finds the parent's
 *       record in CancelStores.CANCELLATIONS and is turned into the child's cancel at once;
 *   <li>both happen on the parent's task one record at a time, so there is no window between them;
 *   <li>a cancel reaching a child whose state is gone (deleted after its link was made) is kept in
 *       CancelStores.CASCADE_PENDING, without a deadline, and applied when the state comes back.
 * </ul>
 *
 * Only this processor writes the two internal topics, so a cascaded cancel cannot be forged on the
 * public commands topic. A run is cancelled at most once (CANCELLATIONS guards it), and an already
 * cancelled child passes nothing on, so cycles in the parent links end. exactly_once_v2 covers the
 * internal topics and stores like everything else.
 */
final class CascadeTopology {

    /** Links, re-keyed by parent: the internal topic {@code <application.id>-cancel-child-links-repartition}. */
    static final String LINKS = "cancel-child-links";
    /** Parents' cancellations, keyed by child: {@code <application.id>-cancel-cascade-repartition}. */
    static final String CASCADE = "cancel-cascade";

    private static final String APPLY = "apply-cascaded-cancels";
    private static final String ONWARD = "cascade-to-grandchildren";

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
                        CancelStores.CANCELLATIONS);
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
                        CancelStores.CASCADE_PENDING);
    }

    /**
     * A child cancelled by a cascade cascades in turn, through the same internal topic: a loop the
     * DSL cannot draw, so it is closed here, on the built topology, by a sink to that topic (Kafka
     * Streams prefixes it with the application.id as it does the DSL's own sink).
     */
    static Topology closeLoop(Topology topology, CancelProcessorConfig config) {
        return topology.addProcessor(ONWARD, ChildrenFanOut::new, APPLY)
                .connectProcessorAndStateStores(ONWARD, CancelStores.CHILDREN)
                .addSink(
                        "cascade-onward-sink",
                        CASCADE + "-repartition",
                        Topics.KEY_SERDE.serializer(),
                        CancelStores.cancellationSerde().serializer(),
                        new ExecutionPartitioner<>(config.partitioner()),
                        ONWARD);
    }
}
