package io.controlplane.cancel.it.support;

import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.app.CancelProcessorApp;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processor ({@link CancelProcessorApp}) in this JVM, on a {@link RealBroker} of the test class,
 * with topics and an application.id of its own (so it can share the broker), the deployed settings
 * changed by the test, and its topics created before it starts:
 *
 * <pre>{@code
 * @RegisterExtension @Order(1) static final RealBroker broker = RealBroker.shared();
 * @RegisterExtension @Order(2) static final InProcessProcessor processor =
 *         InProcessProcessor.startedBeforeAll(broker, settings -> settings.put(GRACE, "1000"))
 *                 .seededWith(traffic -> traffic.grant("alice", List.of("admin"), List.of("acme")));
 * }</pre>
 *
 * The {@code @Order} makes the broker come up first. On a broker without a registry the processor
 * gets a {@code mock://} registry of its own; with one, the broker's.
 */
public final class InProcessProcessor implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    /** A change to the settings, e.g. a setting the test is about. */
    @FunctionalInterface
    public interface SettingsChange {
        void apply(Map<String, Object> settings) throws Exception;

        /** Commands for a run whose state has not arrived are rejected after {@code grace}, not the deployed 10 s. */
        static SettingsChange notFoundGrace(Duration grace) {
            return settings -> settings.put(CancelProcessorConfig.NOT_FOUND_GRACE_MS, grace.toMillis());
        }
    }

    /** What upstream services wrote before the processor came up: grants, run states. */
    @FunctionalInterface
    public interface Seed {
        void write(CancelTraffic traffic) throws Exception;
    }

    private final RealBroker broker;
    private final SettingsChange change;
    private final boolean startedBeforeAll;
    private Seed seed;
    private int partitions = 3;

    private String registryScope;
    private Map<String, Object> settings;
    private Topics topics;
    private CancelTraffic traffic;
    private CancelProcessorApp app;

    private InProcessProcessor(RealBroker broker, SettingsChange change, boolean startedBeforeAll) {
        this.broker = broker;
        this.change = change;
        this.startedBeforeAll = startedBeforeAll;
    }

    /** Started (and RUNNING) before the class's first test, closed after its last. */
    public static InProcessProcessor startedBeforeAll(RealBroker broker, SettingsChange change) {
        return new InProcessProcessor(broker, change, true);
    }

    /** Settings and topics made before the class's first test; each test {@link #start}s it, and it is closed after. */
    public static InProcessProcessor startedByTheTests(RealBroker broker, SettingsChange change) {
        return new InProcessProcessor(broker, change, false);
    }

    /** Written once the topics exist and before the processor starts. */
    public InProcessProcessor seededWith(Seed seed) {
        this.seed = seed;
        return this;
    }

    /** Partitions of every topic: 3 unless a test needs otherwise. */
    public InProcessProcessor partitions(int partitions) {
        this.partitions = partitions;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String owner = context.getRequiredTestClass().getSimpleName();
        String registryUrl;
        if (broker.hasRegistry()) {
            registryUrl = broker.registry().ccompatUrl();
        } else {
            registryScope = owner + "-" + UUID.randomUUID();
            registryUrl = "mock://" + registryScope;
        }
        settings = TestSettings.isolated(broker.bootstrapServers(), registryUrl, owner);
        change.apply(settings);
        CancelProcessorConfig config = config();
        topics = new Topics(config);
        broker.kafka().createTopics(config, partitions);
        if (seed != null) {
            seed.write(traffic());
            traffic().flush();
        }
        if (startedBeforeAll) {
            start();
        }
    }

    /** Starts the processor on the settings and waits until it is RUNNING; at most one runs at a time. */
    public CancelProcessorApp start() throws Exception {
        return start(settings -> {});
    }

    /** As {@link #start()}, on the settings changed once more for this start only (e.g. a new state directory). */
    public CancelProcessorApp start(SettingsChange changeForThisStart) throws Exception {
        if (app != null) {
            throw new IllegalStateException("The processor is running: stop() it first");
        }
        Map<String, Object> startSettings = settings();
        changeForThisStart.apply(startSettings);
        app = CancelProcessorApp.start(startSettings);
        ProcessorMetrics metrics = metrics();
        await("processor RUNNING")
                .atMost(STARTUP)
                .until(() -> metrics.state().equals(KafkaStreams.State.RUNNING.name()));
        return app;
    }

    /** Closes the processor, as a shutdown would. */
    public void stop() {
        if (app != null) {
            try {
                app.close();
            } finally {
                app = null;
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!startedBeforeAll) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            stop();
            if (traffic != null) {
                traffic.close();
            }
        } finally {
            if (registryScope != null) {
                InMemorySchemaRegistry.dropScope(registryScope);
            }
        }
    }

    /** A copy of the processor's settings: for clients, the CLI, or a second processor. */
    public Map<String, Object> settings() {
        if (settings == null) {
            throw new IllegalStateException("Not set up: register InProcessProcessor as a static @RegisterExtension");
        }
        return new HashMap<>(settings);
    }

    public CancelProcessorConfig config() {
        return new CancelProcessorConfig(settings());
    }

    /** The processor's topics, with serdes on its registry. */
    public Topics topics() {
        return topics;
    }

    public ProcessorMetrics metrics() {
        return ProcessorMetrics.of(settings());
    }

    /** An upstream producer on the processor's topics, closed after the class. */
    public CancelTraffic traffic() {
        if (traffic == null) {
            traffic = new CancelTraffic(broker.bootstrapServers(), topics);
        }
        return traffic;
    }

    /** A reader of the processor's outputs; the caller closes it. */
    public Outcomes outcomes() {
        return new Outcomes(broker.bootstrapServers(), topics);
    }
}
