package io.controlplane.cancel.testkit;

import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka (combined broker and controller) started in this JVM from Kafka's
 * own server code: for the demo and for the real-broker tests. It has no authentication and the demo
 * runs on users' laptops, so every listener binds 127.0.0.1 only, never all interfaces.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** Kafka would otherwise wait forever for a broker that cannot come up. */
    private static final Duration MAX_STARTUP = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final Map<String, String> props;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dir, int port, Map<String, String> props) {
        this.dir = dir;
        this.port = port;
        this.props = props;
    }

    public static EmbeddedKafka start() throws Exception {
        Path dir = Files.createTempDirectory("embedded-kafka");
        try {
            String logDir = dir.resolve("log").toString();
            int[] ports = freeLoopbackPorts(2);
            EmbeddedKafka kafka = new EmbeddedKafka(dir, ports[0], config(logDir, ports[0], ports[1]));
            format(logDir);
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

    /** What `kafka-storage.sh format` does: a new cluster id, and the latest production metadata version. */
    private static void format(String logDir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir))
                .setMetadataLogDirectory(logDir)
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    /**
     * Ports the OS has just handed out on loopback, all held open together so that they differ. Another
     * process could take one before the broker binds it; the broker then fails to start, loudly.
     */
    private static int[] freeLoopbackPorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket();
                sockets[i].bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
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

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
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
