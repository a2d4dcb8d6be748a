package io.controlplane.cancel.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's one HTTP server: GET only, request bodies never read, paths bounded, a few
 * threads. When they are all busy and {@value #QUEUED} requests wait, the accepting thread answers
 * the next itself, so that a flood slows the server down instead of filling memory.
 */
final class OpsServer implements AutoCloseable {

    static final int THREADS = 4;
    static final int QUEUED = 32;
    static final int MAX_PATH_LENGTH = 4096;
    static final String EXECUTIONS = "/executions/";
    static final String BULKS = "/bulks/";

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

    /** What the server serves. */
    interface Endpoints {
        Reply live();

        Reply ready();

        Reply metrics();

        Reply execution(String executionId, String authorization, boolean forwarded);

        /** @param localOnly whether the query says {@value OwnerForwarding#LOCAL_ONLY}: this instance's share only */
        Reply bulk(String bulkId, String authorization, boolean localOnly);
    }

    private final HttpServer server;
    private final ThreadPoolExecutor threads;

    private OpsServer(HttpServer server, ThreadPoolExecutor threads) {
        this.server = server;
        this.threads = threads;
    }

    /** @throws IOException if the address cannot be bound (e.g. the port is taken) */
    static OpsServer start(InetSocketAddress address, Endpoints endpoints) throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor threads = new ThreadPoolExecutor(
                THREADS,
                THREADS,
                0,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED),
                runnable -> {
                    Thread thread = new Thread(runnable, "cancel-processor-http-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(threads);
        server.createContext("/", exchange -> serve(exchange, endpoints));
        server.start();
        return new OpsServer(server, threads);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void serve(HttpExchange exchange, Endpoints endpoints) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                reply = route(exchange, endpoints);
            } catch (RuntimeException e) {
                log.warn("{} {} failed: {}", exchange.getRequestMethod(), pathOf(exchange), e.toString());
                reply = Reply.json(500, Map.of("error", "internal error"));
            }
            send(exchange, reply);
        }
    }

    static Reply route(HttpExchange exchange, Endpoints endpoints) {
        String rawPath = exchange.getRequestURI().getRawPath();
        if (rawPath == null || rawPath.length() > MAX_PATH_LENGTH) {
            return Reply.json(400, Map.of("error", "path longer than " + MAX_PATH_LENGTH + " characters"));
        }
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null && rawQuery.length() > MAX_PATH_LENGTH) {
            return Reply.json(400, Map.of("error", "query longer than " + MAX_PATH_LENGTH + " characters"));
        }
        String path = exchange.getRequestURI().getPath();
        boolean known = path.equals("/health/live")
                || path.equals("/health/ready")
                || path.equals("/metrics")
                || path.startsWith(EXECUTIONS)
                || path.startsWith(BULKS);
        if (!known) {
            return Reply.json(404, Map.of("error", "no such endpoint"));
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            return Reply.json(405, Map.of("error", "only GET"));
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (path.startsWith(BULKS)) {
            boolean localOnly = rawQuery != null && List.of(rawQuery.split("&")).contains(OwnerForwarding.LOCAL_ONLY);
            return endpoints.bulk(path.substring(BULKS.length()), authorization, localOnly);
        }
        return switch (path) {
            case "/health/live" -> endpoints.live();
            case "/health/ready" -> endpoints.ready();
            case "/metrics" -> endpoints.metrics();
            default ->
                endpoints.execution(
                        path.substring(EXECUTIONS.length()),
                        authorization,
                        "1".equals(exchange.getRequestHeaders().getFirst(OwnerForwarding.FORWARDED)));
        };
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(reply.body());
        }
    }

    /** For a log line: bounded, since the path is the client's. */
    private static String pathOf(HttpExchange exchange) {
        String path = String.valueOf(exchange.getRequestURI().getRawPath());
        return path.length() > 100 ? path.substring(0, 100) + "..." : path;
    }

    @Override
    public void close() {
        server.stop(1);
        threads.shutdownNow();
    }
}
