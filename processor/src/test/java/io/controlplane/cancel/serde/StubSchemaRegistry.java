package io.controlplane.cancel.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three Confluent Schema Registry endpoints the client uses, served on 127.0.0.1 under a path
 * prefix (as Apicurio's ccompat API is), recording every request so tests can count them.
 */
final class StubSchemaRegistry implements AutoCloseable {

    static final String PREFIX = "/apis/ccompat/v7";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile(PREFIX + "/subjects/([^/]+)/versions");
    private static final Pattern LOOKUP = Pattern.compile(PREFIX + "/subjects/([^/]+)");
    private static final Pattern BY_ID = Pattern.compile(PREFIX + "/schemas/ids/(\\d+)");

    private final HttpServer server;
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Map<String, Integer>> idBySchemaBySubject = new HashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    volatile int failWithStatus;
    /** When set, every request gets this answer instead, whatever it asks. */
    volatile Canned canned;
    /** When set, answers send their headers and part of a body, then nothing until the stub closes. */
    volatile boolean stallBody;
    /** While positive, each request is answered 503 and counts it down: a registry that is restarting. */
    final AtomicInteger unavailableRequests = new AtomicInteger();

    StubSchemaRegistry() throws IOException {
        this(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    /** Served over HTTPS, as {@code https} configures the server's TLS. */
    StubSchemaRegistry(HttpsConfigurator https) throws IOException {
        this(httpsServer(https));
    }

    private StubSchemaRegistry(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    private static HttpsServer httpsServer(HttpsConfigurator https) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(https);
        return server;
    }

    String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + PREFIX;
    }

    @Override
    public void close() {
        stalled.countDown();
        server.stop(0);
    }

    /** A raw answer: status, headers and body bytes as given. */
    record Canned(int status, Map<String, String> headers, byte[] body) {

        static Canned json(int status, String json) {
            return new Canned(
                    status,
                    Map.of("Content-Type", "application/vnd.schemaregistry.v1+json"),
                    json.getBytes(StandardCharsets.UTF_8));
        }

        static Canned html(int status, String html) {
            return new Canned(status, Map.of("Content-Type", "text/html"), html.getBytes(StandardCharsets.UTF_8));
        }
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try {
            answer(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(HttpExchange exchange) throws IOException, InterruptedException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization == null ? "" : authorization);
        if (unavailableRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reply(exchange, 503, Map.of("error_code", 50300, "message", "restarting"));
            return;
        }
        if (stallBody) {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write("{\"schema\":".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            stalled.await();
            return;
        }
        if (canned != null) {
            canned.headers.forEach(
                    (name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(canned.status, canned.body.length == 0 ? -1 : canned.body.length);
            exchange.getResponseBody().write(canned.body);
            exchange.close();
            return;
        }
        if (failWithStatus != 0) {
            reply(exchange, failWithStatus, Map.of("error_code", failWithStatus * 100, "message", "stub failure"));
            return;
        }
        Matcher register = REGISTER.matcher(path);
        Matcher lookup = LOOKUP.matcher(path);
        Matcher byId = BY_ID.matcher(path);
        if (exchange.getRequestMethod().equals("POST") && register.matches()) {
            String schema = schemaIn(exchange);
            int id = idBySchema.computeIfAbsent(schema, s -> idBySchema.size() + 1);
            schemaById.put(id, schema);
            idBySchemaBySubject
                    .computeIfAbsent(register.group(1), s -> new HashMap<>())
                    .put(schema, id);
            reply(exchange, 200, Map.of("id", id));
        } else if (exchange.getRequestMethod().equals("POST") && lookup.matches()) {
            String schema = schemaIn(exchange);
            Integer id =
                    idBySchemaBySubject.getOrDefault(lookup.group(1), Map.of()).get(schema);
            if (id == null) {
                reply(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
            } else {
                reply(exchange, 200, Map.of("subject", lookup.group(1), "id", id, "version", 1, "schema", schema));
            }
        } else if (exchange.getRequestMethod().equals("GET") && byId.matches()) {
            String schema = schemaById.get(Integer.parseInt(byId.group(1)));
            if (schema == null) {
                reply(exchange, 404, Map.of("error_code", 40403, "message", "Schema " + byId.group(1) + " not found"));
            } else {
                reply(exchange, 200, Map.of("schema", schema));
            }
        } else {
            reply(exchange, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
        }
    }

    private static String schemaIn(HttpExchange exchange) throws IOException {
        return JSON.readTree(exchange.getRequestBody()).get("schema").asText();
    }

    private static void reply(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
