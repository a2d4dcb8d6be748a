package io.controlplane.cancel.it;

import io.controlplane.cancel.it.support.ProcessorJvm;
import io.controlplane.cancel.it.support.ProcessorJvms;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.ResilienceBench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two processor JVMs share the work; one dies by SIGKILL and the other carries on alone. */
class ScaleOutIT {

    @RegisterExtension
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    final ProcessorJvms jvms = new ProcessorJvms();

    /**
     * The survivor takes over the dead one's tasks with a state directory of its own, so their
     * stores (cancellations, decided commandIds, waiting commands) come only from the changelogs.
     */
    @Test
    void theSurvivorTakesOverWithoutLosingOrRepeatingAnOutcome() throws Exception {
        try (ResilienceBench bench = ResilienceBench.start(broker.kafka(), 6, 1_000)) {
            ProcessorJvm first = jvms.start("first", bench.settings());
            jvms.start("second", bench.settings());
            bench.awaitProcessorsAssigned(2);
            bench.startCommands();
            bench.awaitMidStream();

            first.kill();

            bench.assertEachCommandDecidedOnce();
            bench.awaitProcessorsAssigned(1);
        }
    }
}
