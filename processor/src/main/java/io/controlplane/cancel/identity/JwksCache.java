package io.controlplane.cancel.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's public keys, held in memory: a stream thread only ever reads this copy. It is read
 * again in the background ({@link #refresh()}, scheduled by {@link SignedIdentity}), and an unknown
 * key id asks for one early refresh on the background executor, at most once per
 * {@link #ON_DEMAND_INTERVAL}, so that a flood of tokens with made-up key ids costs one read.
 */
public final class JwksCache implements JWKSource<SecurityContext> {

    /** How often an unknown key id may cause a refresh before the scheduled one. */
    public static final Duration ON_DEMAND_INTERVAL = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(JwksCache.class);
    private static final int TIMEOUT_MS = 5_000;
    /** A key set is a few kilobytes; a larger answer is not one. */
    private static final int MAX_SIZE_BYTES = 1 << 20;

    private final URI url;
    private final Executor refresher;
    private final AtomicReference<JWKSet> keys;
    private final AtomicLong lastOnDemandMs = new AtomicLong(Long.MIN_VALUE / 2);

    private JwksCache(URI url, Executor refresher, JWKSet keys) {
        this.url = url;
        this.refresher = refresher;
        this.keys = new AtomicReference<>(keys);
    }

    /**
     * Reads the keys once, now: a processor that cannot read them at start-up cannot verify anything.
     *
     * @param refresher runs the refreshes an unknown key id asks for, off the stream thread
     */
    public static JwksCache load(URI url, Executor refresher) throws IOException, ParseException {
        return new JwksCache(url, refresher, read(url));
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        return selector.select(keys.get());
    }

    /** Reads the keys again; if that fails, the keys read before stay in use. */
    public void refresh() {
        try {
            JWKSet read = read(url);
            keys.set(read);
            log.debug("Read {} keys from {}", read.size(), url);
        } catch (IOException | ParseException | RuntimeException e) {
            log.warn(
                    "Could not read the JWKS from {} ({}); the {} keys read before stay in use",
                    url,
                    e.toString(),
                    keys.get().size());
        }
    }

    /** Asks for a refresh because a token named a key not held; at most one per {@link #ON_DEMAND_INTERVAL}. */
    void requestRefresh(Instant now) {
        long nowMs = now.toEpochMilli();
        long last = lastOnDemandMs.get();
        if (nowMs - last < ON_DEMAND_INTERVAL.toMillis() || !lastOnDemandMs.compareAndSet(last, nowMs)) {
            return;
        }
        try {
            refresher.execute(this::refresh);
        } catch (RejectedExecutionException shuttingDown) {
            log.debug("No JWKS refresh: the refresher is shut down");
        }
    }

    /** Public keys only: a private or symmetric key in the set is never used to verify. */
    private static JWKSet read(URI url) throws IOException, ParseException {
        JWKSet read = "file".equalsIgnoreCase(url.getScheme())
                ? JWKSet.load(new File(url))
                : JWKSet.load(url.toURL(), TIMEOUT_MS, TIMEOUT_MS, MAX_SIZE_BYTES);
        return read.toPublicJWKSet();
    }
}
