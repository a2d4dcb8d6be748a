package io.controlplane.cancel.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP relay on 127.0.0.1 in front of a real registry that can be switched to answer every
 * request with one fault instead: what a registry behind a misconfigured gateway, a login page or
 * an overloaded proxy answers. It counts the faulty answers per path, so that a test can wait
 * until a client has really asked (and been refused) instead of sleeping.
 */
public final class FaultyRegistryProxy implements AutoCloseable {

    /** One way a registry (or what stands in front of it) answers badly. */
    public enum Fault {
        UNAUTHORIZED(401, "application/json", "{\"error_code\":40101,\"message\":\"Unauthorized\"}"),
        FORBIDDEN(403, "application/json", "{\"error_code\":40301,\"message\":\"Forbidden\"}"),
        THROTTLED(429, "application/json", "{\"error_code\":42901,\"message\":\"Too many requests\"}"),
        SERVER_ERROR(500, "application/json", "{\"error_code\":50001,\"message\":\"Error in the backend\"}"),
        /** To the real registry: a client that followed it would get a proper answer, and must not. */
        REDIRECT(302, "text/html", ""),
        LOGIN_PAGE(200, "text/html", "<html><body><form action=\"/login\">Sign in</form></body></html>");

        final int status;
        final String contentType;
        final String body;

        Fault(int status, String contentType, String body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }
    }

    private final String target;
    private final HttpServer server;
    private final HttpRelay relay;
    private final Map<String, AtomicInteger> faultyAnswersByPath = new ConcurrentHashMap<>();
    private volatile Fault fault;

    /** @param targetPort where the real registry listens on 127.0.0.1 */
    public FaultyRegistryProxy(int targetPort) throws IOException {
        this.target = "http://127.0.0.1:" + targetPort;
        this.relay = new HttpRelay(target);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "faulty-registry");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** From now on every request gets {@code fault}. */
    public void fail(Fault fault) {
        this.fault = fault;
    }

    /** From now on requests are relayed to the real registry. */
    public void heal() {
        this.fault = null;
    }

    /** How many requests for {@code path} (e.g. {@code /apis/ccompat/v7/schemas/ids/3}) got a fault. */
    public int faultyAnswersTo(String path) {
        AtomicInteger count = faultyAnswersByPath.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Fault current = fault;
            if (current != null) {
                answerWith(current, exchange);
                faultyAnswersByPath
                        .computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger())
                        .incrementAndGet();
            } else {
                relay.relay(exchange);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private void answerWith(Fault fault, HttpExchange exchange) throws IOException {
        byte[] body = fault.body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", fault.contentType);
        if (fault == Fault.REDIRECT) {
            exchange.getResponseHeaders().add("Location", target + exchange.getRequestURI());
        }
        exchange.sendResponseHeaders(fault.status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }
}
