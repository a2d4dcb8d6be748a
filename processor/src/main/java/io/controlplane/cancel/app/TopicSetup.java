package io.controlplane.cancel.app;

import io.controlplane.cancel.app.TopicMismatches.ExistingTopic;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What {@code create-topics} does: creates the declared topics that do not exist yet and checks
 * those that do. An existing topic is never changed: altering a partition count or a cleanup policy
 * under a running processor is a decision for an operator, not a side effect of a deployment.
 */
public final class TopicSetup {

    private TopicSetup() {}

    /** The topics created, and one line per way an existing topic differs from its declaration. */
    public record Result(List<NewTopic> created, List<String> checked, List<String> mismatches) {}

    /** @param replicationFactor empty for the broker's default */
    public static Result run(
            Admin admin,
            CancelProcessorConfig config,
            int partitions,
            Optional<Short> replicationFactor,
            long timeoutMs)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> listed = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<NewTopic> missing = TopicLayout.topics(config, partitions, replicationFactor).stream()
                .filter(topic -> !listed.contains(topic.name()))
                .toList();
        List<NewTopic> created = new ArrayList<>();
        List<String> existing = new ArrayList<>(
                TopicLayout.names(config).stream().filter(listed::contains).toList());
        CreateTopicsResult creation = admin.createTopics(missing);
        for (NewTopic topic : missing) {
            try {
                creation.values().get(topic.name()).get(timeoutMs, TimeUnit.MILLISECONDS);
                created.add(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // Created meanwhile by someone else (another create-topics, say): checked like any existing one.
                existing.add(topic.name());
            }
        }
        Map<String, ExistingTopic> found = describe(admin, existing, timeoutMs);
        return new Result(created, existing, TopicMismatches.of(config, partitions, found));
    }

    private static Map<String, ExistingTopic> describe(Admin admin, List<String> names, long timeoutMs)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, ExistingTopic> found = new HashMap<>();
        if (names.isEmpty()) {
            return found;
        }
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(names).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                .toList();
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(resources).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        for (ConfigResource resource : resources) {
            Map<String, String> values = new HashMap<>();
            for (ConfigEntry entry : configs.get(resource).entries()) {
                values.put(entry.name(), entry.value());
            }
            found.put(
                    resource.name(),
                    new ExistingTopic(
                            descriptions.get(resource.name()).partitions().size(), values));
        }
        return found;
    }
}
