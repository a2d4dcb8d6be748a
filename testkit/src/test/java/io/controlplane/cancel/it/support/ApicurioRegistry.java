package io.controlplane.cancel.it.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * A real schema registry: Apicurio Registry (in-memory storage) as a child process on 127.0.0.1,
 * from the distribution Maven unpacks into target/ before the integration tests. Its log goes to
 * a file under target/, so test output stays quiet.
 */
public final class ApicurioRegistry implements AutoCloseable {

    static final Path DISTRIBUTION = Path.of("target", "apicurio-registry");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;

    private ApicurioRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static ApicurioRegistry start() throws IOException, InterruptedException {
        int port = freePort();
        Path log = Path.of("target", "apicurio-registry-" + port + ".log");
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        // small and quick to start: the tests register a handful of schemas
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dquarkus.http.port=" + port,
                        "-Dquarkus.http.host=127.0.0.1",
                        "-jar",
                        runnerJar().toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ApicurioRegistry registry = new ApicurioRegistry(process, port, log);
        try {
            registry.awaitReady();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** Base URL of the Confluent-compatible API, as a serde's {@code schema.registry.url}. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    /** The subjects the registry holds, from its Confluent-compatible API. */
    public List<String> subjects() throws IOException, InterruptedException {
        List<String> subjects = new ArrayList<>();
        get("/subjects").forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }

    /** The global id of the latest schema under {@code subject}. */
    public int latestId(String subject) throws IOException, InterruptedException {
        return get("/subjects/" + subject + "/versions/latest").get("id").asInt();
    }

    /** Registers {@code schema} under {@code subject} as any producer would, and returns its global id. */
    public int register(String subject, Schema schema) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        return call(HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)))
                .get("id")
                .asInt();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(ccompatUrl() + path)).GET());
    }

    private JsonNode call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(built.method() + " " + built.uri() + " answered HTTP "
                    + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void awaitReady() {
        HttpRequest subjects = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(2))
                .build();
        await("Apicurio Registry answering (its log: " + log + ")")
                .atMost(STARTUP_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                // it binds its port only once it is fully started
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "Apicurio Registry exited with " + process.exitValue() + "; see " + log);
                    }
                    return HTTP.send(subjects, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                });
    }

    private static Path runnerJar() throws IOException {
        if (!Files.isDirectory(DISTRIBUTION)) {
            throw new IllegalStateException("No Apicurio Registry in " + DISTRIBUTION.toAbsolutePath()
                    + ": Maven unpacks it in the pre-integration-test phase, so run the ITs with mvn verify");
        }
        try (Stream<Path> files = Files.list(DISTRIBUTION)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("No *-runner.jar in " + DISTRIBUTION.toAbsolutePath()));
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
