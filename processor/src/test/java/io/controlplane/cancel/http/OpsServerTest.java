package io.controlplane.cancel.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

            @Override
            public Reply bulk(String bulkId, String authorization, boolean localOnly) {
                asked.add("bulk " + bulkId + "|" + authorization + "|" + localOnly);
                return Reply.json(200, Map.of("bulkId", bulkId));
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
    void theBulkIdIsThePercentDecodedRestOfThePathAndOnlyTheQueryFlagAsksForTheLocalShare() throws Exception {
        for (String path : new String[] {
            "/bulks/b%2F7%20x",
            "/bulks/b-1?local=true",
            "/bulks/b-1?x=1&local=true",
            "/bulks/b-1?local=false",
            "/bulks/b-%00?local=truex"
        }) {
            HttpResponse<String> reply = send(HttpRequest.newBuilder(uri(path))
                    .header("Authorization", "Bearer t")
                    .build());
            assertThat(reply.statusCode()).as(path).isEqualTo(200);
        }
        assertThat(asked)
                .containsExactly(
                        "bulk b/7 x|Bearer t|false",
                        "bulk b-1|Bearer t|true",
                        "bulk b-1|Bearer t|true",
                        "bulk b-1|Bearer t|false",
                        "bulk b-\u0000|Bearer t|false");
    }

    @Test
    void aPathThatIsNoUriIsRefusedBeforeAnyEndpointSeesIt() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream()
                    .write("GET /bulks/%zz%C3 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 400");
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void unknownPathsAreNotFoundAndOnlyGetIsServed() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/health").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/x").statusCode()).isEqualTo(404);
        assertThat(get("/bulks").statusCode()).isEqualTo(404);
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
