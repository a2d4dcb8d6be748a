package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HealthCommandTest {

    @TempDir
    Path dir;

    @Test
    void healthyWhileTheFileIsFresh() throws Exception {
        Path file = Files.createFile(dir.resolve("alive"));
        assertThat(health(file.toString())).isZero();

        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
        assertThat(health(file.toString())).isEqualTo(1);

        Files.delete(file);
        assertThat(health(file.toString())).isEqualTo(1);
    }

    @Test
    void unhealthyWithoutAConfiguredFile() {
        assertThat(health(null)).isEqualTo(1);
    }

    @Test
    void readsTheFileNameFromTheConfigFileToo() throws Exception {
        Files.createFile(dir.resolve("alive"));
        Path config = dir.resolve("cancel.properties");
        Files.writeString(
                config,
                CancelProcessorConfig.HEALTH_FILE + "=" + dir.resolve("alive") + "\n" + CancelProcessorConfig.HTTP_PORT
                        + "=0\n");
        HealthCommand command = new HealthCommand();
        command.settings.environment = Map.of();
        assertThat(new CommandLine(command).execute("--config", config.toString()))
                .isZero();
    }

    @Test
    void withAnHttpPortReadyOnlyWhileTheProcessorAnswersReadinessWith200() throws Exception {
        HttpServer processor = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger status = new AtomicInteger(503);
        processor.createContext("/health/ready", exchange -> {
            byte[] body = "{\"status\":\"DOWN\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        processor.start();
        try {
            int port = processor.getAddress().getPort();
            assertThat(healthOverHttp(port)).isEqualTo(1);
            status.set(200);
            assertThat(healthOverHttp(port)).isZero();
        } finally {
            processor.stop(0);
        }
    }

    @Test
    void withAnHttpPortNotReadyWhenNothingAnswers() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThat(healthOverHttp(port)).isEqualTo(1);
    }

    private static int healthOverHttp(int port) {
        HealthCommand command = new HealthCommand();
        command.settings.environment = Map.of(
                Settings.environmentNameOf(CancelProcessorConfig.HTTP_PORT),
                String.valueOf(port),
                Settings.environmentNameOf(CancelProcessorConfig.HTTP_HOST),
                "127.0.0.1");
        return new CommandLine(command).execute();
    }

    /**
     * Runs {@code health} with the file named the way the container image names it, in the
     * environment, and no HTTP server (which health would ask instead).
     */
    private static int health(String file) {
        HealthCommand command = new HealthCommand();
        Map<String, String> environment = new HashMap<>();
        environment.put(Settings.environmentNameOf(CancelProcessorConfig.HTTP_PORT), "0");
        if (file != null) {
            environment.put(Settings.environmentNameOf(CancelProcessorConfig.HEALTH_FILE), file);
        }
        command.settings.environment = environment;
        return new CommandLine(command).execute();
    }
}
