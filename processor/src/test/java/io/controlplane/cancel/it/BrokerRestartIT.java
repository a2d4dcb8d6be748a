package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.it.support.ProcessorJvm;
import io.controlplane.cancel.it.support.ProcessorJvms;
import io.controlplane.cancel.it.support.ResilienceBench;
import kafka.server.BrokerServer;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.network.ListenerName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka broker restarts under a running processor, in the middle of a stream of commands. */
class BrokerRestartIT {

    @RegisterExtension
    final ProcessorJvms jvms = new ProcessorJvms();

    @Test
    void theProcessorRidesOutABrokerRestartWithoutLosingOrRepeatingAnOutcome() throws Exception {
        try (ResilienceBench bench = ResilienceBench.start(3, 1_000)) {
            ProcessorJvm processor = jvms.start("processor", bench.settings());
            bench.awaitProcessorsAssigned(1);
            bench.startCommands();
            bench.awaitMidStream();

            BrokerServer broker = bench.kafka().cluster().brokers().values().iterator().next();
            int port = clientPort(broker);
            broker.shutdown();
            broker.startup();
            bench.kafka().cluster().waitForReadyBrokers();
            // The test kit rebinds each listener to its old port: clients find the broker where it was.
            assertThat(clientPort(broker)).as("client port after the restart").isEqualTo(port);

            bench.assertEachCommandDecidedOnce();
            assertThat(processor.isAlive()).as("processor JVM alive after the broker restart").isTrue();
        }
    }

    private static int clientPort(BrokerServer broker) {
        Endpoint listener = broker.config().dataPlaneListeners().head();
        return broker.boundPort(ListenerName.normalised(listener.listener()));
    }
}
