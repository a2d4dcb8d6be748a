package io.controlplane.cancel.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the callbacks of one call on the client's callback executor one after another, in the order
 * given, so that a listener sees progress in order and before the outcome, without the thread that
 * reads Kafka waiting for it. Used by one thread at a time.
 */
final class SerialCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(SerialCallbacks.class);

    private final Executor executor;
    private final String about;
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

    /** @param about what the callbacks are about, for the log when one of them throws */
    SerialCallbacks(Executor executor, String about) {
        this.executor = executor;
        this.about = about;
    }

    /** Runs {@code callback} after those given before; one that throws is logged, and the next ones run. */
    void run(Runnable callback) {
        last = last.thenRunAsync(
                () -> {
                    try {
                        callback.run();
                    } catch (RuntimeException e) {
                        LOG.warn("A callback of {} failed; the calls after it go on", about, e);
                    }
                },
                executor);
    }
}
