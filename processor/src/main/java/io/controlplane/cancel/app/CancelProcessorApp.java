package io.controlplane.cancel.app;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.errors.ThreadFailures;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.identity.IdentitySettings;
import io.controlplane.cancel.identity.SignedIdentity;
import io.controlplane.cancel.serde.RegistryUrls;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import io.controlplane.cancel.topology.CancelTopology;
import java.io.IOException;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The processor as it runs: checks, then a KafkaStreams instance with this product's topology. */
public final class CancelProcessorApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CancelProcessorApp.class);

    private final KafkaStreams streams;
    private final Optional<HealthFile> health;
    private final CountDownLatch ended;
    private final Optional<SignedIdentity> signed;

    private CancelProcessorApp(
            KafkaStreams streams, Optional<HealthFile> health, CountDownLatch ended, Optional<SignedIdentity> signed) {
        this.streams = streams;
        this.health = health;
        this.ended = ended;
        this.signed = signed;
    }

    /** Checks the broker, topics and registry, then starts processing. */
    public static CancelProcessorApp start(Map<String, ?> settings) throws StartupException {
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        Properties props = StreamsProperties.from(settings);
        StartupChecks.Kafka kafka = StartupChecks.check(props, config);
        String clusterId = kafka.clusterId();
        // The registry URL may carry user:password: shown without it.
        log.info(
                "Kafka cluster {} at {}; schema registry at {}",
                clusterId,
                props.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
                RegistryUrls.describe(config.originals().get(SchemaRegistryClients.SCHEMA_REGISTRY_URL)));
        log.info(
                "Reading {} (commands), {} (run states), {} (grants)",
                config.commandsTopic(),
                config.runStatesTopic(),
                config.operatorsTopic());
        log.info(
                "Input topics have {} partitions; keys are placed as cancel.partitioner={} does",
                kafka.inputPartitions(),
                config.partitioner().configName());
        log.info(
                "Writing {} (cancellations), {} (rejections), {} (dead letters)",
                config.runStateChangesTopic(),
                config.rejectionsTopic(),
                config.dlqTopic());
        log.info(
                "application.id={}, processing.guarantee={}, required role '{}', not-found grace {} ms, dedup retention {} ms",
                props.get(StreamsConfig.APPLICATION_ID_CONFIG),
                props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
                config.policy().requiredRole(),
                config.notFoundGrace().toMillis(),
                config.dedupRetention().toMillis());

        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))) {
            log.warn(
                    "processing.guarantee={} can lose outcomes in a crash: the decided-commands store may be "
                            + "written before the outcome it stands for, and the repeat is then dropped as a duplicate; "
                            + "use exactly_once_v2",
                    props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        }
        Optional<SignedIdentity> signed = startIdentity(config);
        KafkaStreams streams = new KafkaStreams(
                CancelTopology.build(
                        config,
                        OptionalInt.of(kafka.inputPartitions()),
                        signed.map(SignedIdentity::verifier).orElse(CommandIdentity.TRUSTED)),
                props);
        // A failed thread (e.g. the registry was briefly unreachable) is replaced and resumes from its
        // last commit, so no input is skipped; one that fails on the same record again and again stops
        // the processor instead of looping.
        streams.setUncaughtExceptionHandler(new ThreadFailures(config.maxFailuresPerRecord()));
        CountDownLatch ended = new CountDownLatch(1);
        streams.setStateListener((next, previous) -> {
            log.info("State {} -> {}", previous, next);
            if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) {
                ended.countDown();
            }
        });
        streams.start();
        Optional<HealthFile> health = config.healthFile()
                .map(file -> HealthFile.start(file, () -> streams.state().isRunningOrRebalancing()));
        return new CancelProcessorApp(streams, health, ended, signed);
    }

    /** Signed mode reads the issuer's keys before anything is consumed: without them nothing could be verified. */
    private static Optional<SignedIdentity> startIdentity(CancelProcessorConfig config) throws StartupException {
        Optional<IdentitySettings> settings = config.identity();
        if (settings.isEmpty()) {
            log.info(
                    "{}=trusted: a command's cancelledBy is taken as written; the commands topic's ACLs are the "
                            + "trust boundary",
                    CancelProcessorConfig.IDENTITY_MODE);
            return Optional.empty();
        }
        IdentitySettings identity = settings.get();
        try {
            SignedIdentity signed = SignedIdentity.start(identity);
            log.info(
                    "{}=signed: tokens from issuer '{}' for audience '{}', algorithms {}, keys from {} every {} ms",
                    CancelProcessorConfig.IDENTITY_MODE,
                    identity.issuer(),
                    identity.audience(),
                    identity.algorithms(),
                    identity.jwksUrl(),
                    identity.refresh().toMillis());
            return Optional.of(signed);
        } catch (IOException | ParseException e) {
            throw new StartupException("Cannot read the JWKS at " + identity.jwksUrl() + ": " + e.getMessage());
        }
    }

    /**
     * Blocks until processing has stopped, by {@link #close()} or because Kafka Streams failed for
     * good, so that a failed processor exits instead of idling on as a live but useless process.
     *
     * @return whether it stopped because it failed
     */
    public boolean awaitEnd() throws InterruptedException {
        ended.await();
        return streams.state() == KafkaStreams.State.ERROR;
    }

    public boolean isRunning() {
        return streams.state().isRunningOrRebalancing();
    }

    /** Leaves the group, so that the other instances take over its partitions now, not after a session timeout. */
    @Override
    public void close() {
        // First, so that a health check fails as soon as shutdown begins.
        health.ifPresent(HealthFile::close);
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        signed.ifPresent(SignedIdentity::close);
    }
}
