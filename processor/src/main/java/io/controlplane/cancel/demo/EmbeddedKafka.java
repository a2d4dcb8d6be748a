package io.controlplane.cancel.demo;

import io.controlplane.cancel.app.TopicLayout;
import io.controlplane.cancel.config.CancelProcessorConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka (combined broker and controller) started in this JVM from Kafka's
 * own server code, bound to loopback: for the demo and for the real-broker tests.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static EmbeddedKafka start() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                // the test kit's default formats a version not yet released
                .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                .build())
                // one node: internal topics cannot have more replicas than that
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        return cluster.admin();
    }

    /** The processor's topics as TopicLayout lays them out, those that do not exist yet. */
    public void createTopics(CancelProcessorConfig config, int partitions) throws Exception {
        try (Admin admin = cluster.admin()) {
            TopicLayout.create(admin, config, partitions);
        }
    }

    /** Kafka's own test kit, for what only it can do (e.g. restarting the broker). */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
