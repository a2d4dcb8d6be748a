package io.controlplane.cancel.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * What a registry deployed behind a gateway looks like: HTTPS on 127.0.0.1, with the certificate
 * the given context presents, and basic auth checked, in front of a real registry on plain HTTP.
 * Requests without the accepted credentials get the 401 a gateway answers; the others are relayed.
 * It counts refusals per path, so that a test can wait until a client has really been refused.
 */
public final class HttpsRegistryFront implements AutoCloseable {

    private static final byte[] UNAUTHORIZED =
            "{\"error_code\":40101,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);

    private final HttpsServer server;
    private final HttpRelay relay;
    private final Map<String, AtomicInteger> refusalsByPath = new ConcurrentHashMap<>();
    private final AtomicInteger relayed = new AtomicInteger();
    private final String user;
    private volatile String acceptedAuthorization;

    /** @param targetPort where the real registry listens on 127.0.0.1 */
    public HttpsRegistryFront(int targetPort, SSLContext tls, String user, String password) throws IOException {
        this.relay = new HttpRelay("http://127.0.0.1:" + targetPort);
        this.user = user;
        acceptPassword(password);
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "https-registry-front");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The registry's Confluent-compatible API through this front. */
    public String ccompatUrl() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
    }

    /** From now on only {@code password} is accepted: the registry's credentials were rotated. */
    public void acceptPassword(String password) {
        acceptedAuthorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** How many requests for {@code path} (e.g. {@code /apis/ccompat/v7/schemas/ids/3}) were refused. */
    public int refusalsOf(String path) {
        AtomicInteger count = refusalsByPath.get(path);
        return count == null ? 0 : count.get();
    }

    /** How many requests came with the accepted credentials and were relayed. */
    public int relayedRequests() {
        return relayed.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (acceptedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                relay.relay(exchange);
                relayed.incrementAndGet();
            } else {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
                exchange.sendResponseHeaders(401, UNAUTHORIZED.length);
                exchange.getResponseBody().write(UNAUTHORIZED);
                refusalsByPath
                        .computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger())
                        .incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }
}
