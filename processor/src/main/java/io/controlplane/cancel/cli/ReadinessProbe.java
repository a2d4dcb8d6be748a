package io.controlplane.cancel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Asks a processor on this machine whether it is ready (GET /health/ready), for `health`. */
final class ReadinessProbe {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BODY_BYTES = 4096;

    private ReadinessProbe() {}

    /** @return why the processor is not ready, or empty if it answered 200 */
    static Optional<String> problem(String listenHost, int port) {
        String url = "http://" + host(listenHost) + ":" + port + "/health/ready";
        try {
            HttpResponse<InputStream> response = HttpClient.newBuilder()
                    .connectTimeout(TIMEOUT)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(TIMEOUT)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
            }
            return response.statusCode() == 200
                    ? Optional.empty()
                    : Optional.of("Not ready (" + url + " answered " + response.statusCode() + "): " + body);
        } catch (IOException e) {
            return Optional.of(
                    "Not ready: " + url + " did not answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("Not ready: interrupted while asking " + url);
        }
    }

    /** A server listening on every interface is asked on loopback. */
    private static String host(String listenHost) {
        try {
            InetAddress address = InetAddress.getByName(listenHost);
            if (address.isAnyLocalAddress()) {
                return "127.0.0.1";
            }
        } catch (IOException e) {
            // asked by name below, which fails with its own message
        }
        return listenHost.contains(":") ? "[" + listenHost + "]" : listenHost;
    }
}
