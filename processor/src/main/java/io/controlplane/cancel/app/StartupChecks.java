package io.controlplane.cancel.app;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.errors.RecordSizeLimits;
import io.controlplane.cancel.serde.SchemaRegistryAuthException;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import io.controlplane.cancel.serde.SchemaRegistryUnavailableException;
import io.controlplane.cancel.topology.BulkTopic;
import io.controlplane.cancel.topology.CascadeTopic;
import io.controlplane.cancel.topology.PreviousVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What is checked before the processor starts, so that a wrong address or a missing topic is one
 * clear line instead of a stream thread dying later with a stack trace.
 */
public final class StartupChecks {

    private StartupChecks() {}

    /**
     * What the checks learnt about the cluster that the processor needs.
     *
     * @param previous what the previous version left under this application.id, to carry on from
     */
    public record Kafka(String clusterId, int inputPartitions, PreviousVersion previous) {}

    public static Kafka check(Properties streamsProps, CancelProcessorConfig config) throws StartupException {
        Kafka kafka = checkTopics(streamsProps, config);
        checkRegistry(config);
        return kafka;
    }

    private static Kafka checkTopics(Properties streamsProps, CancelProcessorConfig config) throws StartupException {
        long timeoutMs = config.startupTimeout().toMillis();
        String bootstrap = String.valueOf(streamsProps.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        Properties adminProps = new Properties();
        adminProps.putAll(new StreamsConfig(streamsProps).getAdminConfigs("startup-check"));
        Admin admin = Admin.create(adminProps);
        try {
            String clusterId = admin.describeCluster().clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<String> missing = TopicLayout.names(config).stream()
                    .filter(t -> !existing.contains(t))
                    .toList();
            if (!missing.isEmpty()) {
                throw new StartupException("Missing topics on Kafka at " + bootstrap + ": "
                        + String.join(", ", new TreeSet<>(missing))
                        + " (create them with `cancel-processor create-topics`, or set their cancel.topic.* names)");
            }
            int inputPartitions = InputPartitions.check(admin, config, timeoutMs);
            String applicationId = String.valueOf(streamsProps.get(StreamsConfig.APPLICATION_ID_CONFIG));
            int replication = new StreamsConfig(streamsProps).getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG);
            Optional<Short> replicationFactor = replication < 0 ? Optional.empty() : Optional.of((short) replication);
            if (config.cascadesToChildren()) {
                createInternalTopic(
                        admin,
                        CascadeTopic.declaration(applicationId, inputPartitions, replicationFactor),
                        "cascade",
                        existing,
                        timeoutMs);
            }
            createInternalTopic(
                    admin,
                    BulkTopic.declaration(applicationId, inputPartitions, replicationFactor),
                    "bulk cancel",
                    existing,
                    timeoutMs);
            return new Kafka(clusterId, inputPartitions, PreviousVersion.foundIn(existing, applicationId));
        } catch (TimeoutException e) {
            throw new StartupException("Cannot reach Kafka at " + bootstrap + " within " + timeoutMs + " ms");
        } catch (ExecutionException e) {
            throw new StartupException(
                    "Cannot talk to Kafka at " + bootstrap + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted while checking Kafka at " + bootstrap);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /**
     * The processor's own internal topics (the cascade's, the bulk cancels') are created here, as Kafka
     * Streams creates its own (same prefix, same replication factor), with the input topics' partition
     * count; one that exists with another count would send its records to the wrong tasks, so it stops
     * the start.
     */
    private static void createInternalTopic(
            Admin admin, NewTopic wanted, String what, Set<String> existing, long timeoutMs)
            throws StartupException, ExecutionException, InterruptedException, TimeoutException {
        String name = wanted.name();
        int inputPartitions = wanted.numPartitions();
        if (existing.contains(name)) {
            int partitions = admin.describeTopics(List.of(name))
                    .allTopicNames()
                    .get(timeoutMs, TimeUnit.MILLISECONDS)
                    .get(name)
                    .partitions()
                    .size();
            if (partitions != inputPartitions) {
                throw new StartupException("The " + what + " topic " + name + " has " + partitions
                        + " partitions, the input topics " + inputPartitions
                        + ": delete it (it holds only records in flight) or give it as many partitions");
            }
            return;
        }
        try {
            admin.createTopics(List.of(wanted)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e; // created meanwhile by another instance starting: fine
            }
        }
    }

    /**
     * The largest record each output topic takes, read from Kafka ({@code max.message.bytes}) with an
     * admin client that stays open for reading them again (see {@link RecordSizeLimits}).
     */
    static RecordSizeLimits recordSizeLimits(Properties streamsProps, CancelProcessorConfig config)
            throws StartupException {
        Properties adminProps = new Properties();
        adminProps.putAll(new StreamsConfig(streamsProps).getAdminConfigs("record-size-limits"));
        Admin admin = Admin.create(adminProps);
        try {
            return RecordSizeLimits.read(
                    admin,
                    List.of(config.runStateChangesTopic(), config.rejectionsTopic(), config.dlqTopic()),
                    StreamsProperties.maxRequestSize(streamsProps));
        } catch (IllegalStateException e) {
            admin.close(Duration.ofSeconds(1));
            throw new StartupException(e.getMessage());
        }
    }

    /**
     * Asks the registry for the commands' schema. "Not registered" is an answer, so the registry is
     * reachable (producers register it); refused credentials are a configuration error to fix now.
     */
    static void checkRegistry(CancelProcessorConfig config) throws StartupException {
        Map<String, Object> registryConfig = config.originalsWithPrefix("", false);
        try {
            SchemaRegistryClients.forCheck(registryConfig)
                    .idOf(config.commandsTopic() + "-value", CancelCommand.getClassSchema());
        } catch (SchemaRegistryAuthException e) {
            throw new StartupException(e.getMessage() + " (check basic.auth.credentials.source and"
                    + " basic.auth.user.info, or the user-info of schema.registry.url)");
        } catch (SchemaRegistryUnavailableException e) {
            throw new StartupException(e.getMessage());
        } catch (SerializationException e) {
            // Reachable: the schema is merely not registered yet, which producers will do.
        }
    }
}
