package io.controlplane.cancel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * An in-memory schema registry served over the Confluent REST API on 127.0.0.1, so that processors
 * in other JVMs and the test or harness that starts it resolve the same schema ids (a {@code mock://} registry is per JVM).
 * Only the three endpoints the processor's client calls.
 */
public final class RestSchemaRegistryServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LOOKUP = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");

    private final String scope = "rest-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(scope);
    private final HttpServer server;

    private RestSchemaRegistryServer(HttpServer server) {
        this.server = server;
    }

    public static RestSchemaRegistryServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        RestSchemaRegistryServer registry = new RestSchemaRegistryServer(server);
        server.createContext("/", registry::handle);
        server.start();
        return registry;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        InMemorySchemaRegistry.dropScope(scope);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            boolean post = exchange.getRequestMethod().equals("POST");
            Matcher register = REGISTER.matcher(path);
            Matcher lookup = LOOKUP.matcher(path);
            Matcher byId = BY_ID.matcher(path);
            if (post && register.matches()) {
                reply(exchange, 200, Map.of("id", registry.register(subject(register), schemaIn(exchange))));
            } else if (post && lookup.matches()) {
                Schema schema = schemaIn(exchange);
                int id = registry.idOf(subject(lookup), schema);
                reply(
                        exchange,
                        200,
                        Map.of("subject", subject(lookup), "id", id, "version", 1, "schema", schema.toString()));
            } else if (exchange.getRequestMethod().equals("GET") && byId.matches()) {
                reply(
                        exchange,
                        200,
                        Map.of(
                                "schema",
                                registry.schemaById(Integer.parseInt(byId.group(1)))
                                        .toString()));
            } else {
                reply(exchange, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
            }
        } catch (SerializationException e) {
            // The in-memory registry's only failures are "no such schema" (Confluent's 40403).
            reply(exchange, 404, Map.of("error_code", 40403, "message", e.getMessage()));
        } finally {
            exchange.close();
        }
    }

    private static String subject(Matcher matcher) {
        return URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
    }

    private static Schema schemaIn(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        return new Schema.Parser().parse(body.get("schema").asText());
    }

    private static void reply(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
