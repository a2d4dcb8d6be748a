package io.controlplane.cancel.testkit;

import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.metadata.AccessControlEntryRecord;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka (combined broker and controller) started in this JVM from Kafka's
 * own server code: for the demo and for the real-broker tests. By default it has no authentication and
 * the demo runs on users' laptops, so every listener binds 127.0.0.1 only, never all interfaces;
 * {@link #startSecured} gives it a SASL_SSL client listener and an authorizer instead.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** Kafka would otherwise wait forever for a broker that cannot come up. */
    private static final Duration MAX_STARTUP = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final Map<String, String> props;
    /** What a client needs besides the address: for {@link #admin()}, the super user's login. */
    private final Map<String, Object> adminSettings;

    private KafkaRaftServer server;

    private EmbeddedKafka(Path dir, int port, Map<String, String> props, Map<String, Object> adminSettings) {
        this.dir = dir;
        this.port = port;
        this.props = props;
        this.adminSettings = adminSettings;
    }

    public static EmbeddedKafka start() throws Exception {
        return start(Optional.empty());
    }

    /**
     * With its client listener SASL_SSL, every request authorized by ACLs and nothing allowed without
     * one; {@link #admin()} logs in as the listener's super user. The controller listener stays
     * PLAINTEXT on loopback, as in {@link #start()}.
     */
    public static EmbeddedKafka startSecured(SaslSslListener listener) throws Exception {
        return start(Optional.of(listener));
    }

    private static EmbeddedKafka start(Optional<SaslSslListener> secured) throws Exception {
        Path dir = Files.createTempDirectory("embedded-kafka");
        try {
            String logDir = dir.resolve("log").toString();
            int[] ports = LoopbackPorts.free(2);
            Map<String, String> config = new HashMap<>(config(logDir, ports[0], ports[1]));
            secured.ifPresent(listener -> secure(config, listener, ports[0]));
            EmbeddedKafka kafka = new EmbeddedKafka(
                    dir,
                    ports[0],
                    config,
                    secured.map(listener -> listener.clientSettings(listener.superUser()))
                            .orElse(Map.of()));
            format(logDir, secured);
            kafka.startServer();
            return kafka;
        } catch (Exception e) {
            Utils.delete(dir.toFile());
            throw e;
        }
    }

    private static Map<String, String> config(String logDir, int port, int controllerPort) {
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry(
                        "listeners",
                        "PLAINTEXT://" + LOOPBACK + ":" + port + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + port),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                // a static quorum of this one node: nothing to join or reconfigure
                Map.entry("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort),
                Map.entry("log.dirs", logDir),
                Map.entry("server.max.startup.time.ms", String.valueOf(MAX_STARTUP.toMillis())),
                // one node: internal topics cannot have more replicas than that
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // the log cleaner would otherwise take 128 MiB of heap up front, for a few small topics
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024)));
    }

    private static void secure(Map<String, String> config, SaslSslListener listener, int port) {
        String address = SaslSslListener.LISTENER + "://" + LOOPBACK + ":" + port;
        config.put("listeners", config.get("listeners").replace("PLAINTEXT://" + LOOPBACK + ":" + port, address));
        config.put("advertised.listeners", address);
        config.put("listener.security.protocol.map", SaslSslListener.LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT");
        config.putAll(listener.brokerSettings());
    }

    /**
     * What `kafka-storage.sh format` does: a new cluster id, and the latest production metadata version;
     * when secured, with the SCRAM users ({@code --add-scram}) and the ACLs the broker needs on its own
     * controller.
     */
    private static void format(String logDir, Optional<SaslSslListener> secured) throws Exception {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir))
                .setMetadataLogDirectory(logDir)
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION);
        if (secured.isPresent()) {
            formatter
                    .setScramArguments(secured.get().scramArguments())
                    .setAdditionalBootstrapRecords(List.of(
                            brokerOnControllerListener(
                                    ResourceType.CLUSTER, Resource.CLUSTER_NAME, AclOperation.CLUSTER_ACTION),
                            brokerOnControllerListener(
                                    ResourceType.TOPIC, Topic.GROUP_METADATA_TOPIC_NAME, AclOperation.CREATE),
                            brokerOnControllerListener(
                                    ResourceType.TOPIC, Topic.TRANSACTION_STATE_TOPIC_NAME, AclOperation.CREATE)));
        }
        formatter.run();
    }

    /**
     * The broker reaches its controller over the PLAINTEXT controller listener, where it is
     * {@code User:ANONYMOUS}: it may do what a broker does (register, heartbeat, fetch the metadata log,
     * forward requests; create the offsets and transaction-state topics on a client's first
     * FindCoordinator), not be a super user. ANONYMOUS cannot occur on the SASL_SSL client listener.
     */
    private static ApiMessageAndVersion brokerOnControllerListener(
            ResourceType type, String name, AclOperation operation) {
        return new ApiMessageAndVersion(
                new AccessControlEntryRecord()
                        .setId(Uuid.randomUuid())
                        .setResourceType(type.code())
                        .setResourceName(name)
                        .setPatternType(PatternType.LITERAL.code())
                        .setPrincipal("User:ANONYMOUS")
                        .setHost("*")
                        .setOperation(operation.code())
                        .setPermissionType(AclPermissionType.ALLOW.code()),
                (short) 0);
    }

    /** Returns once the broker is unfenced and accepting connections, or throws after {@link #MAX_STARTUP}. */
    private void startServer() {
        // a new KafkaConfig each time: the server registers itself in it for dynamic reconfiguration
        KafkaRaftServer starting = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        try {
            starting.startup();
        } catch (RuntimeException e) {
            starting.shutdown();
            starting.awaitShutdown();
            throw e;
        }
        server = starting;
    }

    private void stopServer() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Shuts the broker down cleanly and starts it again on the same port, with the same data. */
    public void restart() {
        stopServer();
        startServer();
    }

    public String bootstrapServers() {
        return LOOPBACK + ":" + port;
    }

    /** A client of the broker, as its super user when it is secured. */
    public Admin admin() {
        Map<String, Object> settings = new HashMap<>(adminSettings);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(settings);
    }

    /** The processor's topics as TopicLayout lays them out, those that do not exist yet. */
    public void createTopics(CancelProcessorConfig config, int partitions) throws Exception {
        try (Admin admin = admin()) {
            TopicLayout.create(admin, config, partitions);
            awaitListed(admin, TopicLayout.names(config));
        }
    }

    /**
     * A created topic is listed only once the broker's metadata has caught up with the controller's:
     * until then a processor started at once would find it missing.
     */
    private static void awaitListed(Admin admin, List<String> topics) {
        await("topics listed: " + topics)
                .atMost(MAX_STARTUP)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> admin.listTopics().names().get().containsAll(topics));
    }

    @Override
    public void close() throws Exception {
        try {
            stopServer();
        } finally {
            Utils.delete(dir.toFile());
        }
    }
}
