package io.controlplane.cancel.app;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.errors.RecordSizeLimits;
import io.controlplane.cancel.errors.ThreadFailures;
import io.controlplane.cancel.http.HttpEndpoints;
import io.controlplane.cancel.http.ProcessorMeters;
import io.controlplane.cancel.http.StreamsHealth;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.identity.IdentitySettings;
import io.controlplane.cancel.identity.SignedIdentity;
import io.controlplane.cancel.metrics.ProcessorObserver;
import io.controlplane.cancel.serde.RegistryUrls;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import io.controlplane.cancel.topology.CancelTopology;
import java.io.IOException;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The processor as it runs: checks, then a KafkaStreams instance with this product's topology. */
public final class CancelProcessorApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CancelProcessorApp.class);

    private final KafkaStreams streams;
    private final Optional<HealthFile> health;
    private final CountDownLatch ended;
    private final Optional<SignedIdentity> signed;
    private final Optional<HttpEndpoints> http;
    private final Optional<ProcessorMeters> meters;
    private final RecordSizeLimits limits;

    private CancelProcessorApp(
            KafkaStreams streams,
            Optional<HealthFile> health,
            CountDownLatch ended,
            Optional<SignedIdentity> signed,
            Optional<HttpEndpoints> http,
            Optional<ProcessorMeters> meters,
            RecordSizeLimits limits) {
        this.streams = streams;
        this.limits = limits;
        this.health = health;
        this.ended = ended;
        this.signed = signed;
        this.http = http;
        this.meters = meters;
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
        RecordSizeLimits limits = StartupChecks.recordSizeLimits(props, config);
        logRecordSizeLimits(config, limits);
        props.put(RecordSizeLimits.CONFIG, limits);
        Optional<SignedIdentity> signed;
        try {
            signed = startIdentity(config);
        } catch (StartupException e) {
            limits.close();
            throw e;
        }
        // Metrics are served over HTTP only: without a server there is nothing to keep them for.
        Optional<ProcessorMeters> meters = config.httpPort().isPresent()
                ? Optional.of(new ProcessorMeters(inputTopics(config)))
                : Optional.empty();
        meters.ifPresent(observer -> props.put(ProcessorObserver.CONFIG, observer));
        HostInfo self = announce(config, props);
        ReplacedThreadsLeaveTheGroup clients = new ReplacedThreadsLeaveTheGroup();
        KafkaStreams streams = new KafkaStreams(
                CancelTopology.build(
                        withLimits(settings, limits),
                        OptionalInt.of(kafka.inputPartitions()),
                        signed.map(SignedIdentity::verifier).orElse(CommandIdentity.TRUSTED),
                        kafka.previous()),
                props,
                clients);
        // A failed thread (e.g. the registry was briefly unreachable) is replaced and resumes from its
        // last commit, so no input is skipped; one that fails on the same record again and again stops
        // the processor instead of looping.
        ThreadFailures failures = new ThreadFailures(config.maxFailuresPerRecord());
        StreamsHealth probes = new StreamsHealth(streams::state, Clock.systemUTC());
        streams.setUncaughtExceptionHandler(failure -> {
            StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse response = failures.handle(failure);
            if (response == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
                clients.replacing(Thread.currentThread());
                probes.threadReplaced();
            }
            return response;
        });
        streams.setGlobalStateRestoreListener(probes);
        CountDownLatch ended = new CountDownLatch(1);
        streams.setStateListener((next, previous) -> {
            log.info("State {} -> {}", previous, next);
            if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) {
                ended.countDown();
            }
        });
        Optional<HttpEndpoints> http;
        try {
            http = meters.isPresent()
                    ? Optional.of(HttpEndpoints.start(
                            config,
                            config.httpPort().getAsInt(),
                            streams,
                            self,
                            kafka.inputPartitions(),
                            probes,
                            meters.get(),
                            failures::replacements))
                    : Optional.empty();
        } catch (IOException e) {
            streams.close();
            meters.ifPresent(ProcessorMeters::close);
            signed.ifPresent(SignedIdentity::close);
            limits.close();
            throw new StartupException("Cannot serve HTTP on " + config.httpHost() + ":"
                    + config.httpPort().getAsInt()
                    + " (" + CancelProcessorConfig.HTTP_PORT + ", " + CancelProcessorConfig.HTTP_HOST + "; 0 = no "
                    + "server): " + e.getMessage());
        }
        http.ifPresent(server -> log.info(
                "Serving /health/live, /health/ready, /metrics, /executions/{id} and /bulks/{id} (queries {}) on {}:{}; other "
                        + "instances reach this one at application.server={}",
                config.queryToken().isPresent() ? "on" : "off: no " + CancelProcessorConfig.HTTP_QUERY_TOKEN,
                config.httpHost(),
                server.port(),
                self.host() + ":" + self.port()));
        streams.start();
        Optional<HealthFile> health = config.healthFile()
                .map(file -> HealthFile.start(file, () -> streams.state().isRunningOrRebalancing()));
        return new CancelProcessorApp(streams, health, ended, signed, http, meters, limits);
    }

    /**
     * One line when the dead-letter topic takes less than the producer's {@code max.request.size}: dead
     * letters of large input records are then cut to fit it (DeadLetters), which an operator should know.
     */
    private static void logRecordSizeLimits(CancelProcessorConfig config, RecordSizeLimits limits) {
        int dlq = limits.of(config.dlqTopic());
        if (dlq < limits.maxRequestSize()) {
            log.warn(
                    "The dead-letter topic {} takes records of at most {} bytes (max.message.bytes), less than the"
                            + " producer's max.request.size={}: dead letters of larger input records are cut to fit it"
                            + " (their size and SHA-256 kept in headers). Raise its max.message.bytes to keep them whole.",
                    config.dlqTopic(),
                    dlq,
                    limits.maxRequestSize());
        }
    }

    /** The settings with the limits object the topology's outcome sink holds outcomes to. */
    private static CancelProcessorConfig withLimits(Map<String, ?> settings, RecordSizeLimits limits) {
        Map<String, Object> withLimits = new HashMap<>(settings);
        withLimits.put(RecordSizeLimits.CONFIG, limits);
        return new CancelProcessorConfig(withLimits);
    }

    /** The topics the processor reads, whose dead-letter counters exist from the start. */
    private static Set<String> inputTopics(CancelProcessorConfig config) {
        return Set.of(config.commandsTopic(), config.runStatesTopic(), config.operatorsTopic());
    }

    /**
     * Where the other instances forward queries to: the user's {@code application.server}, or else
     * this instance's HTTP address, set so that Kafka Streams shares it with the group.
     */
    private static HostInfo announce(CancelProcessorConfig config, Properties props) throws StartupException {
        Object configured = props.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        if ((configured == null || String.valueOf(configured).isBlank())
                && config.httpPort().isPresent()) {
            try {
                props.put(
                        StreamsConfig.APPLICATION_SERVER_CONFIG,
                        HttpEndpoints.applicationServer(
                                config, config.httpPort().getAsInt()));
            } catch (UnknownHostException e) {
                throw new StartupException("Cannot name this host for " + StreamsConfig.APPLICATION_SERVER_CONFIG
                        + " (set it to a host:port the other instances reach): " + e.getMessage());
            }
        }
        Object server = props.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        return server == null || String.valueOf(server).isBlank()
                ? HostInfo.unavailable()
                : HostInfo.buildFromEndpoint(String.valueOf(server));
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
        // First, so that a health check fails as soon as shutdown begins (readiness says so by itself:
        // Kafka Streams is then PENDING_SHUTDOWN).
        health.ifPresent(HealthFile::close);
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        signed.ifPresent(SignedIdentity::close);
        http.ifPresent(HttpEndpoints::close);
        meters.ifPresent(ProcessorMeters::close);
        limits.close();
    }
}
