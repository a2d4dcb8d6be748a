package io.controlplane.cancel.http;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import java.util.Optional;
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

    /** The run state held and this processor's cancellation of it, each null when there is none. */
    record Execution(RunState run, RunStateChange cancellation) {}
}
