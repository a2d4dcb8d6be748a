package io.controlplane.cancel.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private OpsServer server;

    @BeforeEach
    void start() throws Exception {
        server = OpsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new OpsServer.Endpoints() {
            @Override
            public Reply live() {
                return Reply.json(200, Map.of("status", "UP"));
            }

            @Override
            public Reply ready() {
                return Reply.unavailable(Map.of("status", "DOWN"));
            }

            @Override
            public Reply metrics() {
                return Reply.text(200, "text/plain; version=0.0.4; charset=utf-8", "cancel_x_total 1.0\n");
            }

            @Override
            public Reply execution(String executionId, String authorization, boolean forwarded) {
                if (executionId.equals("boom")) {
                    throw new IllegalStateException("secret detail");
                }
                asked.add(executionId + "|" + authorization + "|" + forwarded);
                return Reply.json(200, Map.of("executionId", executionId));
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void eachProbeAndTheMetricsAtTheirPath() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(ready.headers().firstValue("Retry-After"))
                .as("a reply's own header")
                .hasValue("2");
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.body()).isEqualTo("cancel_x_total 1.0\n");
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void theExecutionIdIsThePercentDecodedRestOfThePath() throws Exception {
        HttpResponse<String> reply = send(HttpRequest.newBuilder(uri("/executions/run%2F7%20b"))
                .header("Authorization", "Bearer t")
                .header(OwnerForwarding.FORWARDED, "1")
                .build());
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(asked).containsExactly("run/7 b|Bearer t|true");
    }

    @Test
    void unknownPathsAreNotFoundAndOnlyGetIsServed() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/health").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/x").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/executions/e-1"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1_000)))
                .build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(asked).isEmpty();
    }

    @Test
    void anOverlongPathIsRefusedBeforeAnyEndpointSeesIt() throws Exception {
        HttpResponse<String> reply = get("/executions/" + "x".repeat(OpsServer.MAX_PATH_LENGTH));
        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(asked).isEmpty();
    }

    @Test
    void aFailingEndpointAnswers500WithoutItsDetails() throws Exception {
        HttpResponse<String> reply = get("/executions/boom");
        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).isEqualTo("{\"error\":\"internal error\"}");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
