package io.controlplane.cancel.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks the instance that owns an execution's partition, over HTTP, and relays its answer. Bounded:
 * a timeout, and a body of at most {@value #MAX_BODY_BYTES} bytes.
 */
class OwnerForwarding {

    static final String FORWARDED = "X-Cancel-Forwarded";
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** The owner's answer to GET /executions/{executionId}, or a 503 saying that it did not give one. */
    Reply forward(HostInfo owner, String executionId, String authorization) {
        String where = owner.host() + ":" + owner.port();
        try {
            HttpRequest request = HttpRequest.newBuilder(uri(owner, executionId))
                    .timeout(TIMEOUT)
                    .header("Authorization", authorization)
                    .header(FORWARDED, "1")
                    .GET()
                    .build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    return unavailable(where, "answered with more than " + MAX_BODY_BYTES + " bytes");
                }
                Reply reply = new Reply(
                        response.statusCode(),
                        response.headers().firstValue("Content-Type").orElse(Reply.JSON),
                        bytes);
                // the owner's own Retry-After (a rebalance there) says when to ask again
                return response.headers()
                        .firstValue("Retry-After")
                        .filter(after -> after.matches("[0-9]{1,4}"))
                        .map(after -> reply.withHeader("Retry-After", after))
                        .orElse(reply);
            }
        } catch (IOException e) {
            return unavailable(where, "did not answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(where, "was not asked: interrupted");
        }
    }

    private static Reply unavailable(String owner, String what) {
        return Reply.unavailable(Map.of("error", "the instance owning this execution, " + owner + ", " + what));
    }

    /** The id as one path segment, every character outside the unreserved ones percent-encoded. */
    static URI uri(HostInfo owner, String executionId) {
        StringBuilder path = new StringBuilder("/executions/");
        for (byte b : executionId.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                path.append(c);
            } else {
                path.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        String host = owner.host().contains(":") ? "[" + owner.host() + "]" : owner.host();
        return URI.create("http://" + host + ":" + owner.port() + path);
    }
}
