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
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for the Confluent Schema Registry REST API (also served by Apicurio's ccompat API).
 *
 * <p>Answers are cached for the life of the client: a schema id never changes meaning, and a
 * schema once registered under a subject stays there, so after warm-up serializing and
 * deserializing make no HTTP call. Base URLs are tried in order; the first that answers wins.
 *
 * <p>Every answer is classified. Only the registry saying, in its own JSON, that a schema id does not
 * exist (HTTP 404, error code 40403), or handing back a schema that is not usable Avro, is the
 * record's fault ({@link SerializationException}). Anything else that is not the expected answer
 * (429, 5xx, a redirect, a 404 of a wrong path, a body that is not the registry's JSON, a refused
 * registration, a failed TLS handshake) says nothing about the record: it is an outage
 * ({@link SchemaRegistryUnavailableException}),
 * and refused credentials (401, 403) are the outage subtype {@link SchemaRegistryAuthException},
 * logged at ERROR at most once a minute. An outage is retried with a growing pause for up to a retry
 * budget, so that a registry restart or a short network cut is ridden out inside the call.
 *
 * <p>A request and its whole answer must complete within the request timeout, and an answer body is
 * read up to {@value #MAX_BODY_BYTES} bytes at most: a misbehaving server can neither hold a stream
 * thread nor fill its memory.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** Larger than any schema this processor meets (they are a few KiB); a larger answer is an outage. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration AUTH_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);
    /** How much of a registry's text (its error message, a body) an error message quotes. */
    private static final int QUOTED_CHARS = 200;

    private static final int SCHEMA_NOT_FOUND = 40403;
    private static final int SUBJECT_NOT_FOUND = 40401;

    private final List<String> baseUrls;
    private final String authorization;
    private final Duration requestTimeout;
    private final Duration retryBudget;
    private final LongSupplier nanoClock;
    private final boolean logsRefusedCredentials;
    private final HttpClient http;
    private final AtomicReference<Long> authErrorLoggedAt = new AtomicReference<>();

    private final Map<String, Map<Schema, Integer>> idBySchemaBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    /**
     * @param baseUrls registry URLs without credentials, possibly with a path prefix
     *     (e.g. {@code http://host:8080/apis/ccompat/v7}); paths are appended to them
     * @param authorization value of the {@code Authorization} header, or {@code null} for none
     * @param retryBudget how long to keep retrying while no URL answers; {@link Duration#ZERO} for one try
     */
    public RestSchemaRegistryClient(
            List<String> baseUrls,
            String authorization,
            Duration connectTimeout,
            Duration requestTimeout,
            Duration retryBudget) {
        this(baseUrls, authorization, connectTimeout, requestTimeout, retryBudget, System::nanoTime, true, null);
    }

    /**
     * @param nanoClock paces the ERROR log of refused credentials (a test drives it)
     * @param logsRefusedCredentials false where the caller reports them itself (a start-up check)
     * @param sslContext trust (and client key) for {@code https://} registries; null for the JVM's default
     */
    RestSchemaRegistryClient(
            List<String> baseUrls,
            String authorization,
            Duration connectTimeout,
            Duration requestTimeout,
            Duration retryBudget,
            LongSupplier nanoClock,
            boolean logsRefusedCredentials,
            SSLContext sslContext) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is required");
        }
        this.baseUrls = baseUrls.stream()
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
                .toList();
        this.authorization = authorization;
        this.requestTimeout = requestTimeout;
        this.retryBudget = retryBudget;
        this.nanoClock = nanoClock;
        this.logsRefusedCredentials = logsRefusedCredentials;
        // HTTP/1.1: registries are plain REST servers; an h2c upgrade attempt buys nothing.
        // Redirects are not followed (the JDK's default): a registry does not redirect its API, a
        // login page or a misconfigured proxy does, and following it would send the credentials on.
        // The JDK client checks the registry's host name against its certificate whatever the context.
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        int id = send("POST", "/subjects/" + encode(subject) + "/versions", requestFor(schema), reply -> {
            if (reply.status == 409 || reply.status == 422) {
                // The subject's compatibility rule (or schema type) refuses our own output schema: a
                // configuration matter for the registry's operator, not the fault of the record at hand.
                throw reply.unusable("refuses schema " + schema.getFullName() + " under subject " + subject);
            }
            return reply.expectOk().intField("id");
        });
        return remember(subject, schema, id);
    }

    @Override
    public int idOf(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        int id = send("POST", "/subjects/" + encode(subject), requestFor(schema), reply -> {
            boolean notFound = reply.errorCode() == SUBJECT_NOT_FOUND || reply.errorCode() == SCHEMA_NOT_FOUND;
            if (reply.status == 404 && notFound) {
                throw new SerializationException("Schema " + schema.getFullName() + " is not registered under subject "
                        + subject + " (schema registry at " + reply.baseUrl + ": " + reply.errorMessage() + ")");
            }
            return reply.expectOk().intField("id");
        });
        return remember(subject, schema, id);
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = send("GET", "/schemas/ids/" + id, null, reply -> {
            if (reply.status == 404 && reply.errorCode() == SCHEMA_NOT_FOUND) {
                throw new UndecodableRecordException("Unknown schema id " + id + ": schema registry at " + reply.baseUrl
                        + " has no such schema (" + reply.errorMessage() + ")");
            }
            return parseSchema(id, reply.expectOk());
        });
        Schema raced = schemaById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    /** A well-formed answer whose schema is not usable Avro is the record's fault. */
    private static Schema parseSchema(int id, Reply reply) {
        String text = reply.textField("schema");
        JsonNode type = reply.body.get("schemaType");
        if (type != null && !"AVRO".equals(type.asText())) {
            throw new UndecodableRecordException(
                    "Schema id " + id + " is a " + quote(type.asText()) + " schema, not Avro");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            // SchemaParseException mostly, but Avro's parser can fail otherwise on odd JSON
            throw new SerializationException(
                    "Schema id " + id + " is not a valid Avro schema: " + quote(String.valueOf(e.getMessage())), e);
        }
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idBySchemaBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private int remember(String subject, Schema schema, int id) {
        idBySchemaBySubject
                .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
                .put(schema, id);
        // What this process writes it usually reads back: spare that fetch.
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    private static String requestFor(Schema schema) {
        try {
            return JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new SerializationException("Could not write the registration request for " + schema.getFullName(), e);
        }
    }

    /**
     * Sends until a base URL gives an answer that {@code interpret} can use, retrying the whole list
     * within the retry budget while none does.
     */
    private <T> T send(String method, String path, String body, Function<Reply, T> interpret) {
        long deadline = System.nanoTime() + retryBudget.toNanos();
        Duration pause = FIRST_RETRY_PAUSE;
        while (true) {
            try {
                return sendOnce(method, path, body, interpret);
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

    /**
     * Sends to each base URL in turn until one gives a usable answer. A {@link SerializationException}
     * from {@code interpret} (the record's fault) ends the search at once.
     */
    private <T> T sendOnce(String method, String path, String body, Function<Reply, T> interpret) {
        List<String> failures = new ArrayList<>();
        Exception lastCause = null;
        boolean credentialsRefused = false;
        for (String baseUrl : baseUrls) {
            try {
                return interpret.apply(exchange(baseUrl, method, path, body));
            } catch (UnusableAnswer e) {
                failures.add(e.getMessage());
                credentialsRefused |= e.credentialsRefused;
            } catch (IOException e) {
                failures.add(RegistryUrls.withoutUserInfo(baseUrl) + " is unreachable: " + describe(e));
                lastCause = e;
            }
        }
        String message = "Schema registry at " + String.join("; at ", failures);
        if (credentialsRefused) {
            logRefusedCredentials(message);
            throw new SchemaRegistryAuthException(message);
        }
        throw new SchemaRegistryUnavailableException(message, lastCause);
    }

    /** One request to one base URL, its answer read in full (bounded); answers no caller can use are thrown. */
    private Reply exchange(String baseUrl, String method, String path, String body) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .header("Content-Type", CONTENT_TYPE);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        builder.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<byte[]> response =
                await(http.sendAsync(builder.build(), info -> new BoundedBodySubscriber(MAX_BODY_BYTES)), baseUrl);
        return Reply.of(RegistryUrls.withoutUserInfo(baseUrl), response);
    }

    /**
     * Waits for the whole answer, body included, for at most the request timeout: the JDK's own
     * request timeout ends once the headers are in, and a server may trickle a body forever.
     */
    private HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> answer, String baseUrl)
            throws IOException {
        try {
            return answer.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + requestTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BoundedBodySubscriber.TooLargeException tooLarge) {
                throw new UnusableAnswer(RegistryUrls.withoutUserInfo(baseUrl) + " " + tooLarge.getMessage(), false);
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private void logRefusedCredentials(String message) {
        if (!logsRefusedCredentials) {
            return;
        }
        long now = nanoClock.getAsLong();
        Long last = authErrorLoggedAt.get();
        boolean loggedLately = last != null && now - last < AUTH_ERROR_LOG_INTERVAL.toNanos();
        if (loggedLately || !authErrorLoggedAt.compareAndSet(last, now)) {
            return;
        }
        log.error(
                "{}. Check basic.auth.user.info (or the user-info of schema.registry.url); records that need"
                        + " the registry wait meanwhile, none is dead-lettered for it.",
                message);
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
            if (t instanceof SSLException && t.getMessage() != null) {
                // an untrusted certificate, a host name it does not name, a client certificate refused
                return "TLS handshake failed: " + quote(t.getMessage());
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return failure instanceof ConnectException
                ? "Connection refused"
                : failure.getClass().getSimpleName();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** At most {@value #QUOTED_CHARS} characters of a server's text, on one line. */
    private static String quote(String text) {
        String oneLine = text.strip().replaceAll("\\p{Cntrl}+", " ");
        return oneLine.length() <= QUOTED_CHARS ? oneLine : oneLine.substring(0, QUOTED_CHARS) + "...";
    }

    /** An answer no caller can use from one base URL: an outage for that URL. */
    private static final class UnusableAnswer extends RuntimeException {

        private static final long serialVersionUID = 1L;
        final boolean credentialsRefused;

        UnusableAnswer(String message, boolean credentialsRefused) {
            super(message, null, false, false);
            this.credentialsRefused = credentialsRefused;
        }
    }

    /**
     * One base URL's answer. {@link #of} throws those no call can use (401, 403, 3xx, 429, 5xx, a 2xx
     * body that is not a JSON object); the rest is for the caller to read.
     */
    private record Reply(String baseUrl, int status, JsonNode body) {

        static Reply of(String baseUrl, HttpResponse<byte[]> response) {
            int status = response.statusCode();
            byte[] bytes = response.body();
            JsonNode body = parse(bytes);
            Reply reply = new Reply(baseUrl, status, body == null ? JSON.createObjectNode() : body);
            if (status == 401 || status == 403) {
                throw new UnusableAnswer(
                        baseUrl + " refused the credentials: HTTP " + status + " " + reply.errorMessage(), true);
            }
            if (status >= 300 && status < 400) {
                String location = response.headers()
                        .firstValue("Location")
                        .map(RegistryUrls::withoutUserInfo)
                        .orElse("nowhere");
                throw new UnusableAnswer(
                        baseUrl + " redirected: HTTP " + status + " to " + quote(location)
                                + " (point schema.registry.url at the registry's API itself)",
                        false);
            }
            if (status == 429) {
                throw new UnusableAnswer(baseUrl + " is throttling requests: HTTP 429 " + reply.errorMessage(), false);
            }
            if (status >= 500) {
                throw new UnusableAnswer(
                        baseUrl + " is unavailable: HTTP " + status + " " + reply.errorMessage(), false);
            }
            if (status < 300 && (body == null || !body.isObject())) {
                // e.g. a proxy's or a login page's HTML with 200
                String type = response.headers().firstValue("Content-Type").orElse("no content type");
                throw new UnusableAnswer(
                        baseUrl + " answered HTTP " + status + " with a body that is not the" + " registry's JSON ("
                                + quote(type) + ", " + bytes.length + " bytes)",
                        false);
            }
            return reply;
        }

        /** The body as JSON, or null if it is none (an HTML error page, empty, cut). */
        private static JsonNode parse(byte[] bytes) {
            try {
                return bytes.length == 0 ? null : JSON.readTree(bytes);
            } catch (IOException e) {
                return null;
            }
        }

        /** Anything but 200 is an answer the caller did not expect: an outage, whatever the status says. */
        Reply expectOk() {
            if (status != 200) {
                throw unusable("gave an unexpected answer");
            }
            return this;
        }

        UnusableAnswer unusable(String what) {
            return new UnusableAnswer(baseUrl + " " + what + ": HTTP " + status + " " + errorMessage(), false);
        }

        int errorCode() {
            JsonNode code = body.get("error_code");
            return code != null && code.canConvertToInt() ? code.intValue() : 0;
        }

        /** Confluent's error body is {@code {"error_code": 40403, "message": "..."}}. */
        String errorMessage() {
            JsonNode message = body.get("message");
            JsonNode code = body.get("error_code");
            String text = message == null ? "no message" : quote(message.asText());
            return code == null ? text : text + " (error code " + quote(code.asText()) + ")";
        }

        int intField(String name) {
            JsonNode value = body.get(name);
            if (value == null || !value.canConvertToInt()) {
                throw new UnusableAnswer(
                        baseUrl + " answered without an integer \"" + name + "\": " + quote(body.toString()), false);
            }
            return value.intValue();
        }

        String textField(String name) {
            JsonNode value = body.get(name);
            if (value == null || !value.isTextual()) {
                throw new UnusableAnswer(
                        baseUrl + " answered without a \"" + name + "\" string: " + quote(body.toString()), false);
            }
            return value.asText();
        }
    }
}
