package io.controlplane.cancel.identity;

import java.io.IOException;
import java.text.ParseException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** cancel.identity.mode=signed as it runs: the verifier, and the one background thread that keeps its keys fresh. */
public final class SignedIdentity implements AutoCloseable {

    private final ScheduledExecutorService refresher;
    private final TokenVerifier verifier;

    private SignedIdentity(ScheduledExecutorService refresher, TokenVerifier verifier) {
        this.refresher = refresher;
        this.verifier = verifier;
    }

    /** Reads the keys now (failing if it cannot), then again every {@link IdentitySettings#refresh()}. */
    public static SignedIdentity start(IdentitySettings settings) throws IOException, ParseException {
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "cancel-jwks-refresh");
            thread.setDaemon(true);
            return thread;
        });
        try {
            JwksCache keys = JwksCache.load(settings.jwksUrl(), refresher);
            long everyMs = settings.refresh().toMillis();
            refresher.scheduleWithFixedDelay(keys::refresh, everyMs, everyMs, TimeUnit.MILLISECONDS);
            return new SignedIdentity(refresher, new TokenVerifier(settings, keys));
        } catch (IOException | ParseException | RuntimeException e) {
            refresher.shutdownNow();
            throw e;
        }
    }

    public CommandIdentity verifier() {
        return verifier;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
