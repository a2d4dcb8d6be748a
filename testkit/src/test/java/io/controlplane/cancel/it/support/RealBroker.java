package io.controlplane.cancel.it.support;

import io.controlplane.cancel.testkit.EmbeddedKafka;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Kafka broker of one test class, started before its first test and stopped after its last
 * (after the class's own {@code @AfterAll}, so that what runs on it is closed first), and with
 * {@link #withApicurio()} a real registry beside it:
 * {@code @RegisterExtension static final RealBroker broker = RealBroker.only();}
 */
public final class RealBroker implements BeforeAllCallback, AfterAllCallback {

    private final boolean withRegistry;
    private EmbeddedKafka kafka;
    private ApicurioRegistry registry;

    private RealBroker(boolean withRegistry) {
        this.withRegistry = withRegistry;
    }

    /** A broker and no registry: the tests use an in-memory ({@code mock://}) or in-process one. */
    public static RealBroker only() {
        return new RealBroker(false);
    }

    /** A broker and a real Apicurio registry, started side by side since each takes seconds. */
    public static RealBroker withApicurio() {
        return new RealBroker(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!withRegistry) {
            kafka = EmbeddedKafka.start();
            return;
        }
        CompletableFuture<ApicurioRegistry> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return ApicurioRegistry.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            kafka = EmbeddedKafka.start();
        } finally {
            // afterAll stops whichever of the two came up, also when the other did not
            registry = starting.join();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
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
            throw new IllegalStateException("No registry: use RealBroker.withApicurio()");
        }
        return registry;
    }
}
