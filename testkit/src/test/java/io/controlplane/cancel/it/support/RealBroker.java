package io.controlplane.cancel.it.support;

import io.controlplane.cancel.testkit.EmbeddedKafka;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Kafka broker of a test class, and with a registry a real Apicurio beside it:
 * {@code @RegisterExtension static final RealBroker broker = RealBroker.shared();}
 *
 * <p>A shared broker (and registry) is started by the first test class that asks for it and stopped
 * when the test JVM is done (failsafe runs every IT in one JVM): each start takes seconds. Tests on it
 * stay apart by names, as {@link TestSettings#isolated} gives them: topics, application.id (so consumer
 * group, internal topics and transactional ids) and registry subjects of their own.
 *
 * <p>A test that restarts or stops the broker, changes its configuration or needs it secured takes
 * one of its {@link #own()}: started before the class's first test and stopped after its last
 * (after the class's own {@code @AfterAll}, so that what runs on it is closed first).
 */
public final class RealBroker implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace SHARED = ExtensionContext.Namespace.create(RealBroker.class);

    private final boolean shared;
    private final boolean withRegistry;
    private EmbeddedKafka kafka;
    private ApicurioRegistry registry;

    private RealBroker(boolean shared, boolean withRegistry) {
        this.shared = shared;
        this.withRegistry = withRegistry;
    }

    /** The broker of every test class that shares one, no registry: the tests use a {@code mock://} one. */
    public static RealBroker shared() {
        return new RealBroker(true, false);
    }

    /** The shared broker and the shared Apicurio registry. */
    public static RealBroker sharedWithApicurio() {
        return new RealBroker(true, true);
    }

    /** A broker of this test class's own, to restart, stop or reconfigure. */
    public static RealBroker own() {
        return new RealBroker(false, false);
    }

    /** As {@link #own()}: the choice of the ITs written before brokers were shared (they use the default names). */
    public static RealBroker only() {
        return own();
    }

    /** A broker and an Apicurio registry of this test class's own; as {@link #only()}, for the ITs not yet sharing. */
    public static RealBroker withApicurio() {
        return new RealBroker(false, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(SHARED);
        Supplier<EmbeddedKafka> broker = shared
                ? () -> store.getOrComputeIfAbsent(EmbeddedKafka.class, key -> startBroker(), EmbeddedKafka.class)
                : RealBroker::startBroker;
        Supplier<ApicurioRegistry> apicurio = shared
                ? () -> store.getOrComputeIfAbsent(
                        ApicurioRegistry.class, key -> startRegistry(), ApicurioRegistry.class)
                : RealBroker::startRegistry;
        // the registry comes up beside the broker, since each takes seconds
        CompletableFuture<ApicurioRegistry> starting =
                withRegistry ? CompletableFuture.supplyAsync(apicurio) : CompletableFuture.completedFuture(null);
        try {
            kafka = broker.get();
        } finally {
            // afterAll stops whichever of the two came up, also when the other did not
            registry = starting.join();
        }
    }

    /** A shared broker and registry are closed by JUnit with the root context's store, as AutoCloseables. */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (shared) {
            return;
        }
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private static EmbeddedKafka startBroker() {
        try {
            return EmbeddedKafka.start();
        } catch (Exception e) {
            throw new IllegalStateException("The broker did not start", e);
        }
    }

    private static ApicurioRegistry startRegistry() {
        try {
            return ApicurioRegistry.start();
        } catch (Exception e) {
            throw new IllegalStateException("Apicurio Registry did not start", e);
        }
    }

    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("No broker: register RealBroker as a static @RegisterExtension field");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    public ApicurioRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("No registry: use RealBroker.sharedWithApicurio()");
        }
        return registry;
    }

    public boolean hasRegistry() {
        return withRegistry;
    }
}
