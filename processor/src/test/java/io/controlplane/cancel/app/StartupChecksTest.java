package io.controlplane.cancel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.serde.RestSchemaRegistryClient;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry part of the start-up checks, against a fake registry that answers one fixed way. */
class StartupChecksTest {

    private static final String PASSWORD = "s3cret-pw";

    private final HttpServer server;
    private volatile int status;
    private volatile String body;

    StartupChecksTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void refusedCredentialsFailStartUpInOneLineWithoutThem() {
        for (int refused : new int[] {401, 403}) {
            answer(refused, "{\"error_code\":" + refused + ",\"message\":\"Unauthorized\"}");

            try (CapturedLog clientLog = CapturedLog.of(RestSchemaRegistryClient.class)) {
                String withCredentials = "http://bob:" + PASSWORD + "@" + hostPort();
                // the fake registry speaks plain HTTP
                CancelProcessorConfig config =
                        config(withCredentials, SchemaRegistryClients.BASIC_AUTH_ALLOW_PLAIN_HTTP, "true");
                assertThatThrownBy(() -> StartupChecks.checkRegistry(config))
                        .isInstanceOf(StartupException.class)
                        .hasMessage("Schema registry at http://" + hostPort() + " refused the credentials: HTTP "
                                + refused + " Unauthorized (error code " + refused + ") (check"
                                + " basic.auth.credentials.source and basic.auth.user.info, or the user-info of"
                                + " schema.registry.url)");
                assertThat(clientLog.lines()).isEmpty();
            }
        }
    }

    @Test
    void otherOutagesFailStartUp() {
        answer(503, "{\"error_code\":50301,\"message\":\"down\"}");

        assertThatThrownBy(() -> StartupChecks.checkRegistry(config("http://" + hostPort())))
                .isInstanceOf(StartupException.class)
                .hasMessage("Schema registry at http://" + hostPort()
                        + " is unavailable: HTTP 503 down (error code 50301)");
    }

    @Test
    void aSchemaNotRegisteredYetIsReachable() {
        answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");

        assertThatCode(() -> StartupChecks.checkRegistry(config("http://" + hostPort())))
                .doesNotThrowAnyException();
    }

    private void answer(int status, String body) {
        this.status = status;
        this.body = body;
    }

    private String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static CancelProcessorConfig config(String registryUrl, String... extraKeysAndValues) {
        Map<String, Object> settings = new HashMap<>(Map.of(
                SchemaRegistryClients.SCHEMA_REGISTRY_URL, registryUrl, SchemaRegistryClients.HTTP_RETRY_MAX_MS, "0"));
        for (int i = 0; i < extraKeysAndValues.length; i += 2) {
            settings.put(extraKeysAndValues[i], extraKeysAndValues[i + 1]);
        }
        return new CancelProcessorConfig(settings);
    }
}
