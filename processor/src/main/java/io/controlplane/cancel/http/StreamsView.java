package io.controlplane.cancel.http;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.state.GracefulCancel;
import io.controlplane.cancel.state.HeldCommand;
import io.controlplane.cancel.state.WaitingCommand;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/** What the query endpoint reads of the running Kafka Streams instance; a fake in tests. */
interface StreamsView {

    /** Where one execution's state is kept. */
    record Owner(HostInfo host, int partition) {}

    KafkaStreams.State state();

    /** This instance's {@code application.server}. */
    HostInfo self();

    /** The instance whose task holds {@code executionId}'s partition; empty while that is not known (rebalancing). */
    Optional<Owner> owner(String executionId);

    /**
     * This instance's view of one run, read from its own task of that partition.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while that store cannot be read
     */
    Execution execution(String executionId, int partition);

    /**
     * What this instance holds of one run: the run state (upstream's view), this processor's
     * cancellation of it and the graceful cancel going on, each null when there is none; the
     * commands held until their notBefore and those waiting for the run's state, oldest first.
     */
    record Execution(
            RunState run,
            RunStateChange cancellation,
            GracefulCancel cancelling,
            List<HeldCommand> held,
            List<WaitingCommand> waiting) {

        public Execution {
            held = List.copyOf(held);
            waiting = List.copyOf(waiting);
        }

        public Execution(RunState run, RunStateChange cancellation) {
            this(run, cancellation, null, List.of(), List.of());
        }

        /** Whether nothing at all is held for the run. */
        boolean isEmpty() {
            return run == null && cancellation == null && cancelling == null && held.isEmpty() && waiting.isEmpty();
        }
    }

    /** How many partitions the input topics have: each holds its share of every bulk. */
    int inputPartitions();

    /**
     * Which input partitions each instance's active tasks hold, by its {@code application.server},
     * this one's included, as the group's last assignment says.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while that is not known
     */
    Map<HostInfo, Set<Integer>> partitionsByInstance();

    /**
     * This instance's share of a bulk: one entry per partition whose active task here holds it,
     * read from that task's store {@code cancel-bulk-tasks}.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while Kafka Streams is not
     *     RUNNING or one of those stores cannot be read
     */
    List<BulkSummary.Partition> bulk(String bulkId);
}
