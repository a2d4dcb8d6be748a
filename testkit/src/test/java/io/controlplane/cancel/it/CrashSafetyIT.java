package io.controlplane.cancel.it;

import io.controlplane.cancel.it.support.ProcessorJvm;
import io.controlplane.cancel.it.support.ProcessorJvms;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.ResilienceBench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The processor JVM dies by SIGKILL in the middle of a stream of commands, and is started again. */
class CrashSafetyIT {

    @RegisterExtension
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    final ProcessorJvms jvms = new ProcessorJvms();

    /**
     * Restarted under the same name, so on the same state directory, as a pod with a persistent
     * volume would be. Under exactly-once a state directory left without a clean checkpoint is not
     * trusted: the stores are rebuilt from their changelogs, up to the last committed transaction.
     */
    @Test
    void aKilledProcessorResumesWithoutLosingOrRepeatingAnOutcome() throws Exception {
        try (ResilienceBench bench = ResilienceBench.start(broker.kafka(), 3, 1_000)) {
            ProcessorJvm processor = jvms.start("processor", bench.settings());
            bench.awaitProcessorsAssigned(1);
            bench.startCommands();
            bench.awaitMidStream();

            processor.kill();
            jvms.start("processor", bench.settings());

            bench.assertEachCommandDecidedOnce();
        }
    }
}
