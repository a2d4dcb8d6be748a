package io.controlplane.cancel.bench;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.topology.CancelTopology;
import io.controlplane.cancel.topology.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The topology's own CPU per record, with no broker: the benchmark's workload through a
 * TopologyTestDriver (real RocksDB stores and serdes, changelog and output records serialized and
 * kept in memory), measured as the CPU time of the one thread that does it all. This is what tuning
 * changes to the topology are compared by: unlike a rate, it hardly moves with whatever else the
 * machine runs. Run twice in one JVM; the first pass warms the JIT and is not reported.
 *
 * <p>{@code java -cp bench/target/cancel-processor-bench.jar io.controlplane.cancel.bench.TopologyCost [N]}
 */
public final class TopologyCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private TopologyCost() {}

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 200_000;
        pass(size, false);
        pass(size, true);
    }

    private static void pass(int size, boolean report) throws Exception {
        Path stateDir = Files.createTempDirectory("cancel-topology-cost");
        Map<String, Object> settings = new HashMap<>(ProcessorJvm.deployedSettings());
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("schema.registry.url", "mock://topology-cost-" + UUID.randomUUID());
        settings.put("state.dir", stateDir.toString());
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        Topics topics = new Topics(config);
        Workload workload = new Workload(size, size, topics);
        try (TopologyTestDriver driver =
                new TopologyTestDriver(CancelTopology.build(config), StreamsProperties.from(settings))) {
            TestInputTopic<String, OperatorGrant> grants = input(driver, topics.operators);
            TestInputTopic<String, RunState> runStates = input(driver, topics.runStates);
            TestInputTopic<String, CancelCommand> commands = input(driver, topics.commands);
            for (OperatorGrant grant : Workload.grants()) {
                grants.pipeInput(grant.getActorId(), grant);
            }
            long start = THREADS.getCurrentThreadCpuTime();
            for (long i = 0; i < size; i++) {
                RunState run = workload.runState(i);
                runStates.pipeInput(run.getExecutionId(), run);
            }
            long afterRuns = THREADS.getCurrentThreadCpuTime();
            for (long j = 0; j < size; j++) {
                CancelCommand command = workload.command("cmd", j);
                commands.pipeInput(command.getExecutionId(), command);
            }
            long end = THREADS.getCurrentThreadCpuTime();
            if (report) {
                System.out.printf(
                        "topology alone (TopologyTestDriver, %,d run states then %,d commands): "
                                + "run state %.1f µs CPU, command %.1f µs CPU, both %.1f µs CPU per record%n",
                        size,
                        size,
                        (afterRuns - start) / 1e3 / size,
                        (end - afterRuns) / 1e3 / size,
                        (end - start) / 1e3 / (2.0 * size));
            }
        } finally {
            Utils.delete(stateDir.toFile());
        }
    }

    private static <V> TestInputTopic<String, V> input(TopologyTestDriver driver, Topics.Topic<V> topic) {
        return driver.createInputTopic(
                topic.name(), Serdes.String().serializer(), topic.valueSerde().serializer());
    }
}
