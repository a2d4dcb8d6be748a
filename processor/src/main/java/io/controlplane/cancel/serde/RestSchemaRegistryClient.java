package io.controlplane.cancel.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Client for the Confluent Schema Registry REST API (also served by Apicurio's ccompat API).
 *
 * <p>Answers are cached for the life of the client: a schema id never changes meaning, and a
 * schema once registered under a subject stays there, so after warm-up serializing and
 * deserializing make no HTTP call. Base URLs are tried in order; the first that answers wins.
 *
 * <p>When none answers, the request is retried with a growing pause for up to a retry budget, so
 * that a registry restart or a short network cut is ridden out inside the call; only then does it
 * fail with {@link SchemaRegistryUnavailableException}.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY_PAUSE = Duration.ofSeconds(1);

    private final List<String> baseUrls;
    private final String authorization;
    private final Duration requestTimeout;
    private final Duration retryBudget;
    private final HttpClient http;

    private final Map<String, Map<Schema, Integer>> idBySchemaBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    /**
     * @param baseUrls registry URLs without credentials, possibly with a path prefix
     *     (e.g. {@code http://host:8080/apis/ccompat/v7}); paths are appended to them
     * @param authorization value of the {@code Authorization} header, or {@code null} for none
     * @param retryBudget how long to keep retrying while no URL answers; {@link Duration#ZERO} for one try
     */
    public RestSchemaRegistryClient(List<String> baseUrls, String authorization, Duration connectTimeout,
            Duration requestTimeout, Duration retryBudget) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is required");
        }
        this.baseUrls = baseUrls.stream().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
        this.authorization = authorization;
        this.requestTimeout = requestTimeout;
        this.retryBudget = retryBudget;
        // HTTP/1.1: registries are plain REST servers; an h2c upgrade attempt buys nothing.
        this.http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(connectTimeout)
                        .build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        Reply reply = post("/subjects/" + encode(subject) + "/versions", schema);
        if (reply.status != 200) {
            throw reply.failure("Could not register schema " + schema.getFullName() + " under subject " + subject);
        }
        return remember(subject, schema, reply.intField("id"));
    }

    @Override
    public int idOf(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        Reply reply = post("/subjects/" + encode(subject), schema);
        if (reply.status == 404) {
            throw new SerializationException(
                    "Schema " + schema.getFullName() + " is not registered under subject " + subject
                            + " (schema registry at " + reply.baseUrl + ": " + reply.errorMessage() + ")");
        }
        if (reply.status != 200) {
            throw reply.failure("Could not look up schema " + schema.getFullName() + " under subject " + subject);
        }
        return remember(subject, schema, reply.intField("id"));
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        Reply reply = send("GET", "/schemas/ids/" + id, null);
        if (reply.status == 404) {
            throw new SerializationException(
                    "Unknown schema id " + id + ": schema registry at " + reply.baseUrl + " has no such schema ("
                            + reply.errorMessage() + ")");
        }
        if (reply.status != 200) {
            throw reply.failure("Could not fetch schema id " + id);
        }
        JsonNode type = reply.body.get("schemaType");
        if (type != null && !"AVRO".equals(type.asText())) {
            throw new SerializationException("Schema id " + id + " is a " + type.asText() + " schema, not Avro");
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(reply.textField("schema"));
        } catch (SchemaParseException e) {
            throw new SerializationException("Schema id " + id + " is not a valid Avro schema: " + e.getMessage(), e);
        }
        Schema raced = schemaById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idBySchemaBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private int remember(String subject, Schema schema, int id) {
        idBySchemaBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        // What this process writes it usually reads back: spare that fetch.
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    private Reply post(String path, Schema schema) {
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new SerializationException("Could not write the registration request for " + schema.getFullName(), e);
        }
        return send("POST", path, body);
    }

    /** Sends until a base URL answers with less than a 5xx, retrying the whole list within the retry budget. */
    private Reply send(String method, String path, String body) {
        long deadline = System.nanoTime() + retryBudget.toNanos();
        Duration pause = FIRST_RETRY_PAUSE;
        while (true) {
            try {
                return sendOnce(method, path, body);
            } catch (SchemaRegistryUnavailableException e) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw e;
                }
                pauseBeforeRetry(Math.min(pause.toNanos(), remaining));
                pause = pause.multipliedBy(2);
                if (pause.compareTo(LONGEST_RETRY_PAUSE) > 0) {
                    pause = LONGEST_RETRY_PAUSE;
                }
            }
        }
    }

    private static void pauseBeforeRetry(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** Sends to each base URL in turn until one answers with less than a 5xx. */
    private Reply sendOnce(String method, String path, String body) {
        List<String> failures = new ArrayList<>();
        Exception lastCause = null;
        for (String baseUrl : baseUrls) {
            HttpRequest.Builder builder =
                    HttpRequest.newBuilder(URI.create(baseUrl + path))
                            .timeout(requestTimeout)
                            .header("Accept", CONTENT_TYPE + ", application/json")
                            .header("Content-Type", CONTENT_TYPE);
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            builder.method(
                    method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            try {
                HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                Reply reply = new Reply(baseUrl, response.statusCode(), parse(response.body()));
                if (reply.status < 500) {
                    return reply;
                }
                failures.add(baseUrl + " is unavailable: HTTP " + reply.status + " " + reply.errorMessage());
            } catch (IOException e) {
                failures.add(baseUrl + " is unreachable: " + describe(e));
                lastCause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
        throw new SchemaRegistryUnavailableException("Schema registry at " + String.join("; at ", failures), lastCause);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            // e.g. an HTML error page from a proxy: keep the text for the error message
            return JSON.createObjectNode().put("message", body.strip());
        }
    }

    /**
     * One short reason for a failed request. JDK 17's HttpClient reports a refused connection or an
     * unknown host as message-less ConnectExceptions, so those are recognised by type.
     */
    private static String describe(IOException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return failure instanceof ConnectException ? "Connection refused" : failure.getClass().getSimpleName();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record Reply(String baseUrl, int status, JsonNode body) {

        /** Confluent's error body is {@code {"error_code": 40403, "message": "..."}}. */
        String errorMessage() {
            JsonNode message = body.get("message");
            JsonNode code = body.get("error_code");
            String text = message == null ? "no message" : message.asText();
            return code == null ? text : text + " (error code " + code.asText() + ")";
        }

        SerializationException failure(String what) {
            return new SerializationException(
                    what + ": schema registry at " + baseUrl + " answered HTTP " + status + ": " + errorMessage());
        }

        int intField(String name) {
            JsonNode value = body.get(name);
            if (value == null || !value.canConvertToInt()) {
                throw new SerializationException(
                        "Schema registry at " + baseUrl + " answered without an integer \"" + name + "\": " + body);
            }
            return value.intValue();
        }

        String textField(String name) {
            JsonNode value = body.get(name);
            if (value == null || !value.isTextual()) {
                throw new SerializationException(
                        "Schema registry at " + baseUrl + " answered without a \"" + name + "\" string: " + body);
            }
            return value.asText();
        }
    }
}
