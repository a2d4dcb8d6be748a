package io.controlplane.cancel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.testkit.EmbeddedKafka;
import io.controlplane.cancel.testkit.RestSchemaRegistryServer;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the crash tests share, on the test class's broker: a registry every JVM can reach, the topics, the workload
 * going in and the outcomes coming out, and the one verdict they all must pass.
 */
public final class ResilienceBench implements AutoCloseable {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Commands per second: slow enough that commands are still arriving when something breaks. */
    private static final int COMMAND_RATE = 1_000;

    private final RestSchemaRegistryServer registry;
    private final Admin admin;
    private final Map<String, Object> settings;
    private final Topics topics;
    private final CancelWorkload workload;
    private final CancelTraffic traffic;
    private final Outcomes outcomes;
    private final int partitions;
    private CompletableFuture<Void> commands;

    private ResilienceBench(EmbeddedKafka kafka, RestSchemaRegistryServer registry, int partitions, int executions)
            throws Exception {
        this.registry = registry;
        this.admin = kafka.admin();
        this.partitions = partitions;
        this.settings = ProcessorJvms.settings(kafka.bootstrapServers(), registry.url());
        TestSettings.ownNames(settings, TestSettings.uniquePrefix("ResilienceBench"));
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        TopicLayout.create(admin, config, partitions);
        this.topics = new Topics(config);
        this.workload = new CancelWorkload(executions);
        this.traffic = new CancelTraffic(kafka.bootstrapServers(), topics);
        this.outcomes = new Outcomes(kafka.bootstrapServers(), topics);
        workload.sendSetup(traffic);
    }

    /** All topics on {@code kafka} in {@code partitions} partitions, and the grants and run states of the workload. */
    public static ResilienceBench start(EmbeddedKafka kafka, int partitions, int executions) throws Exception {
        RestSchemaRegistryServer registry = RestSchemaRegistryServer.start();
        try {
            return new ResilienceBench(kafka, registry, partitions, executions);
        } catch (Exception e) {
            registry.close();
            throw e;
        }
    }

    public Map<String, Object> settings() {
        return settings;
    }

    public Topics topics() {
        return topics;
    }

    public ProcessorGroup group() {
        return new ProcessorGroup(admin, String.valueOf(settings.get(StreamsConfig.APPLICATION_ID_CONFIG)));
    }

    /**
     * Waits until the group is stable with {@code processors} members (one stream thread each),
     * each owning some of the command partitions and together all of them.
     */
    public void awaitProcessorsAssigned(int processors) {
        ProcessorGroup group = group();
        await(processors + " processors sharing the command partitions")
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<String, Integer> owned = group.partitionsByMember(topics.commands.name());
                    return owned.size() == processors
                            && !owned.containsValue(0)
                            && owned.values().stream()
                                            .mapToInt(Integer::intValue)
                                            .sum()
                                    == partitions;
                });
    }

    public void startCommands() {
        commands = workload.streamCommands(traffic, COMMAND_RATE);
    }

    /** Waits until a quarter of the outcomes arrived, then checks that some are still to come: mid-stream. */
    public void awaitMidStream() {
        int seen = outcomes.awaitAtLeast(workload.commands() / 4, DEADLINE);
        assertThat(seen)
                .as("outcomes seen, of %d", workload.commands())
                .isGreaterThanOrEqualTo(workload.commands() / 4)
                .isLessThan(workload.commands());
    }

    /**
     * Waits for every command to be decided and the processors to have committed all input (so
     * nothing more can come), then checks that each command got exactly its one outcome.
     */
    public void assertEachCommandDecidedOnce() throws Exception {
        commands.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        outcomes.awaitAtLeast(workload.commands(), DEADLINE);
        ProcessorGroup group = group();
        await("the processors commit all input")
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> group.hasConsumedAll(List.of(topics.commands.name(), topics.runStates.name())));
        // committed outcomes are readable at once: this only catches any beyond those expected
        outcomes.drain(Duration.ofSeconds(1));
        assertThat(workload.faultsIn(outcomes))
                .as(
                        "%d commands (%d records) in, %d outcomes out",
                        workload.commands(), workload.records(), outcomes.total())
                .isEmpty();
    }

    @Override
    public void close() throws Exception {
        try (registry;
                admin;
                traffic;
                outcomes) {
            if (commands != null) {
                commands.cancel(true);
            }
        }
    }
}
