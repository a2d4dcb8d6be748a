package io.controlplane.cancel.it.support;

import io.controlplane.cancel.demo.EmbeddedKafka;
import java.util.concurrent.CompletableFuture;

/** A real broker and a real Apicurio registry, started side by side since each takes seconds. */
public final class KafkaWithRegistry implements AutoCloseable {

    public final EmbeddedKafka kafka;
    public final ApicurioRegistry registry;

    private KafkaWithRegistry(EmbeddedKafka kafka, ApicurioRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    public static KafkaWithRegistry start() throws Exception {
        CompletableFuture<ApicurioRegistry> registry = CompletableFuture.supplyAsync(() -> {
            try {
                return ApicurioRegistry.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            return new KafkaWithRegistry(kafka, registry.join());
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
