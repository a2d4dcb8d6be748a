package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.it.support.ProcessorJvm;
import io.controlplane.cancel.it.support.ProcessorJvms;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.ResilienceBench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka broker restarts under a running processor, in the middle of a stream of commands. */
class BrokerRestartIT {

    /** Its own: it restarts the broker. */
    @RegisterExtension
    static final RealBroker broker = RealBroker.own();

    @RegisterExtension
    final ProcessorJvms jvms = new ProcessorJvms();

    @Test
    void theProcessorRidesOutABrokerRestartWithoutLosingOrRepeatingAnOutcome() throws Exception {
        try (ResilienceBench bench = ResilienceBench.start(broker.kafka(), 3, 1_000)) {
            ProcessorJvm processor = jvms.start("processor", bench.settings());
            bench.awaitProcessorsAssigned(1);
            bench.startCommands();
            bench.awaitMidStream();

            // Same port (restart fails if it cannot bind it again) and same log dirs: the processor and
            // the bench's clients, which only know the old address, must find the broker and its data.
            broker.kafka().restart();

            bench.assertEachCommandDecidedOnce();
            assertThat(processor.isAlive())
                    .as("processor JVM alive after the broker restart")
                    .isTrue();
        }
    }
}
