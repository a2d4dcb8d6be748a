package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorGroup;
import io.controlplane.cancel.it.support.ProcessorJvm;
import io.controlplane.cancel.it.support.ProcessorJvms;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.testkit.RestSchemaRegistryServer;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A processor JVM dies by SIGKILL in the middle of a cascade of 10,000 descendants (a spine of 100
 * runs, each the parent of the next and of 99 leaves: wide, and deep enough that the cascade takes a
 * hundred hops through the internal topic), and is started again on the same state directory, or
 * its tasks move to a second JVM: each descendant is cancelled exactly once, as read_committed
 * subscribers see it.
 */
class CascadeCrashIT {

    private static final int SPINE = 100;
    private static final int LEAVES_PER_SPINE_RUN = 99;
    private static final int DESCENDANTS = SPINE + SPINE * LEAVES_PER_SPINE_RUN;
    /** A quarter of the cascade: the kill is then mid-cascade, not before it starts. */
    private static final int MIN_DONE_WHEN_KILLED = DESCENDANTS / 4;

    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final String TENANT = "tenant-a";

    @RegisterExtension
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    final ProcessorJvms jvms = new ProcessorJvms();

    /** Restarted under the same name, so on the same state directory, as in CrashSafetyIT. */
    @Test
    void aProcessorKilledMidCascadeCancelsEachDescendantExactlyOnce() throws Exception {
        cascadeThroughAKill(3, false);
    }

    /** Two JVMs share six partitions; the survivor takes the killed one's tasks from the changelogs alone. */
    @Test
    void theSurvivorFinishesTheCascadeOfAKilledProcessorExactlyOnce() throws Exception {
        cascadeThroughAKill(6, true);
    }

    private void cascadeThroughAKill(int partitions, boolean withSurvivor) throws Exception {
        try (RestSchemaRegistryServer registry = RestSchemaRegistryServer.start();
                Admin admin = broker.kafka().admin()) {
            Map<String, Object> settings = ProcessorJvms.settings(broker.kafka().bootstrapServers(), registry.url());
            // each test on the class's broker with topics and a group of its own
            String own = withSurvivor ? "-survivor" : "-restart";
            settings.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.get(StreamsConfig.APPLICATION_ID_CONFIG) + own);
            for (CancelTopic<?> topic : CancelTopic.ALL) {
                settings.put(topic.configKey(), topic.defaultName() + own);
            }
            CancelProcessorConfig config = new CancelProcessorConfig(settings);
            TopicLayout.create(admin, config, partitions);
            Topics topics = new Topics(config);
            Map<String, String> parents = tree();
            try (CancelTraffic traffic = new CancelTraffic(broker.kafka().bootstrapServers(), topics);
                    Outcomes outcomes = new Outcomes(broker.kafka().bootstrapServers(), topics)) {
                traffic.grant("alice", List.of("admin"), List.of(TENANT));
                Instant now = Instant.now();
                traffic.send(
                        topics.runStates, "root", new RunState("root", TENANT, RunStatus.RUNNING, 1L, now, null, null));
                parents.forEach((child, parent) -> traffic.send(
                        topics.runStates,
                        child,
                        new RunState(child, TENANT, RunStatus.RUNNING, 1L, now, parent, null)));
                traffic.flush();

                ProcessorJvm processor = jvms.start("processor", settings);
                if (withSurvivor) {
                    jvms.start("survivor", settings);
                }
                ProcessorGroup group =
                        new ProcessorGroup(admin, String.valueOf(settings.get(StreamsConfig.APPLICATION_ID_CONFIG)));
                int members = withSurvivor ? 2 : 1;
                await(members + " processors sharing the partitions")
                        .atMost(DEADLINE)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            Map<String, Integer> owned = group.partitionsByMember(topics.commands.name());
                            return owned.size() == members
                                    && !owned.containsValue(0)
                                    && owned.values().stream()
                                                    .mapToInt(Integer::intValue)
                                                    .sum()
                                            == partitions;
                        });
                await("the processor indexes every child link")
                        .atMost(DEADLINE)
                        .pollInterval(Duration.ofMillis(250))
                        // the group's offsets appear once the processor has committed
                        .ignoreExceptions()
                        .until(() -> group.hasConsumedAll(List.of(topics.runStates.name(), topics.cascade)));
                traffic.cancel("cmd-root", "root", "alice");
                traffic.flush();

                // Read read_committed, so each was committed: the kill comes after a quarter of the
                // cascade at least, and before the whole of it.
                int seen = outcomes.awaitAtLeast(MIN_DONE_WHEN_KILLED, DEADLINE);
                assertThat(seen)
                        .as("cancellations committed when the processor is killed")
                        .isGreaterThanOrEqualTo(MIN_DONE_WHEN_KILLED)
                        .isLessThan(DESCENDANTS + 1);
                processor.kill();
                if (!withSurvivor) {
                    jvms.start("processor", settings);
                }

                outcomes.awaitAtLeast(DESCENDANTS + 1, DEADLINE);
                await("the processors commit all of the cascade")
                        .atMost(DEADLINE)
                        .pollInterval(Duration.ofMillis(250))
                        // the group's offsets appear once the processor has committed
                        .ignoreExceptions()
                        .until(() -> group.hasConsumedAll(
                                List.of(topics.commands.name(), topics.runStates.name(), topics.cascade)));
                outcomes.drain(Duration.ofSeconds(2));

                assertThat(outcomes.rejections).isEmpty();
                assertThat(outcomes.deadLetters).isEmpty();
                Map<String, Long> perRun = outcomes.cancellations.stream()
                        .collect(Collectors.groupingBy(RunStateChange::getExecutionId, Collectors.counting()));
                assertThat(perRun.keySet()).hasSize(DESCENDANTS + 1).containsAll(parents.keySet());
                assertThat(perRun.entrySet())
                        .as("runs cancelled more than once")
                        .filteredOn(run -> run.getValue() != 1)
                        .isEmpty();
                Map<String, RunStateChange> byRun = outcomes.cancellations.stream()
                        .collect(Collectors.toMap(RunStateChange::getExecutionId, Function.identity()));
                parents.forEach((child, parent) -> {
                    RunStateChange change = byRun.get(child);
                    assertThat(change.getCascadedFrom()).as(child).isEqualTo(parent);
                    assertThat(change.getCommandId()).isEqualTo("cmd-root/" + child);
                });
            }
        }
    }

    /** Every descendant of "root", by its parent: spine-i is the child of spine-(i-1), leaf-i-j of spine-i. */
    private static Map<String, String> tree() {
        Map<String, String> parents = new HashMap<>();
        List<String> spine = new ArrayList<>();
        for (int i = 0; i < SPINE; i++) {
            String run = "spine-" + i;
            parents.put(run, i == 0 ? "root" : spine.get(i - 1));
            spine.add(run);
            for (int j = 0; j < LEAVES_PER_SPINE_RUN; j++) {
                parents.put("leaf-" + i + "-" + j, run);
            }
        }
        return parents;
    }
}
