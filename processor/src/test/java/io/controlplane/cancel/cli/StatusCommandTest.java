package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code status ID} against a fake instance that answers as {@code GET /executions/{id}} does (README, "Operating it"). */
class StatusCommandTest {

    private static final String TOKEN = "s3cret-query-token";

    private HttpServer server;
    private final List<String> askedPaths = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startFakeInstance() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/executions/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The contract's answers: the execution id picks the case. */
    private void answer(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/executions/".length());
        askedPaths.add(exchange.getRequestURI().getRawPath());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        if (id.equals("disabled")) {
            reply(exchange, 404, "{\"error\":\"query endpoint disabled\"}");
        } else if (!("Bearer " + TOKEN).equals(authorization)) {
            reply(exchange, 401, "{\"error\":\"unauthorized\"}");
        } else if (id.equals("e-1")) {
            reply(
                    exchange,
                    200,
                    "{\"executionId\":\"e-1\",\"run\":{\"status\":\"RUNNING\",\"version\":3,\"tenantId\":\"t1\"},"
                            + "\"cancellation\":null,\"servedBy\":\"localhost:1\"}");
        } else if (id.equals("e-2")) {
            reply(
                    exchange,
                    200,
                    "{\"executionId\":\"e-2\",\"run\":{\"status\":\"CANCELLED\",\"version\":4,\"tenantId\":\"t1\"},"
                            + "\"cancellation\":{\"cancelledBy\":\"alice\",\"cancelledAt\":\"2026-11-25T18:00:00.123Z\","
                            + "\"commandId\":\"c-1\",\"reason\":\"stuck\\nforged line\",\"traceId\":\"t\"},"
                            + "\"servedBy\":\"localhost:1\"}");
        } else if (id.equals("rebalancing")) {
            reply(exchange, 503, "{\"error\":\"owner not found yet\",\"state\":\"REBALANCING\"}");
        } else if (id.equals("huge")) {
            reply(exchange, 200, "{\"executionId\":\"" + "x".repeat(StatusCommand.MAX_BODY_BYTES) + "\"}");
        } else {
            reply(exchange, 404, "{\"executionId\":\"" + id + "\",\"error\":\"unknown execution\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(bytes);
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private int status(Map<String, String> environment, String... args) {
        StatusCommand command = new StatusCommand();
        command.settings.environment = environment;
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static Map<String, String> withToken(String token) {
        return Map.of(Settings.environmentNameOf(CancelProcessorConfig.HTTP_QUERY_TOKEN), token);
    }

    @Test
    void knownRunIsOneLineWithStatusVersionAndTenantAndExitZero() {
        assertThat(status(withToken(TOKEN), "e-1", "--url", url())).isZero();
        assertThat(out.toString()).isEqualTo("e-1 RUNNING v3 tenant t1" + System.lineSeparator());
        assertThat(authorizations).containsExactly("Bearer " + TOKEN);
    }

    @Test
    void cancelledRunSaysByWhomWhenWhichCommandAndWhyOnOneLine() {
        assertThat(status(withToken(TOKEN), "e-2", "--url", url())).isZero();
        assertThat(out.toString())
                .isEqualTo("e-2 CANCELLED by alice at 2026-11-25T18:00:00.123Z (command c-1): stuck\\u000aforged line"
                        + System.lineSeparator());
    }

    @Test
    void unknownExecutionIsExitFour() {
        assertThat(status(withToken(TOKEN), "e-404", "--url", url())).isEqualTo(StatusCommand.UNKNOWN);
        assertThat(out.toString()).contains("e-404 unknown");
    }

    @Test
    void wrongOrMissingTokenIsOneLineAndExitOneWithoutTheToken() {
        assertThat(status(withToken("wrong-token"), "e-1", "--url", url())).isEqualTo(1);
        assertThat(status(Map.of(), "e-1", "--url", url())).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(2).allMatch(line -> line.startsWith("Unauthorized (401)"));
        assertThat(err.toString()).doesNotContain("wrong-token");
        assertThat(authorizations).containsExactly("Bearer wrong-token", "null");
    }

    @Test
    void disabledQueryEndpointIsAnErrorNotAnUnknownRun() {
        assertThat(status(withToken(TOKEN), "disabled", "--url", url())).isEqualTo(1);
        assertThat(err.toString()).startsWith("Not found (404): query endpoint disabled");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void notReadyInstanceSaysItsState() {
        assertThat(status(withToken(TOKEN), "rebalancing", "--url", url())).isEqualTo(1);
        assertThat(err.toString()).startsWith("Not ready (503): owner not found yet (state REBALANCING)");
    }

    @Test
    void bodyOverTheLimitIsRefusedNotRead() {
        assertThat(status(withToken(TOKEN), "huge", "--url", url())).isEqualTo(1);
        assertThat(err.toString()).contains("more than " + StatusCommand.MAX_BODY_BYTES + " bytes");
    }

    @Test
    void executionIdIsEncodedIntoOnePathSegment() {
        assertThat(status(withToken(TOKEN), "a/b c", "--url", url() + "/")).isEqualTo(StatusCommand.UNKNOWN);
        assertThat(askedPaths).containsExactly("/executions/a%2Fb%20c");
    }

    @Test
    void defaultUrlIsLocalhostOnTheConfiguredHttpPort() {
        Map<String, String> environment = Map.of(
                Settings.environmentNameOf(CancelProcessorConfig.HTTP_QUERY_TOKEN),
                TOKEN,
                Settings.environmentNameOf(CancelProcessorConfig.HTTP_PORT),
                String.valueOf(server.getAddress().getPort()));
        assertThat(status(environment, "e-1")).isZero();
        assertThat(out.toString()).startsWith("e-1 RUNNING");
    }

    @Test
    void unreachableInstanceIsOneLineAndExitOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertThat(status(withToken(TOKEN), "e-1", "--url", "http://127.0.0.1:" + closedPort))
                .isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("Cannot reach the processor at");
        assertThat(err.toString()).doesNotContain(TOKEN).doesNotContain("\tat ");
    }
}
