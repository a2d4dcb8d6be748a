package io.controlplane.cancel.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance over HTTP, with the request's token: the one that owns an execution's
 * partition, for the execution, and relays its answer; or each other instance, for its share of a
 * bulk. Bounded: a timeout, and a body of at most {@value #MAX_BODY_BYTES} bytes.
 */
class OwnerForwarding {

    static final String FORWARDED = "X-Cancel-Forwarded";
    /** The query flag of GET /bulks/{bulkId} that asks an instance for its own share only. */
    static final String LOCAL_ONLY = "local=true";

    static final int MAX_BODY_BYTES = 64 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** The owner's answer to GET /executions/{executionId}, or a 503 saying that it did not give one. */
    Reply forward(HostInfo owner, String executionId, String authorization) {
        String who = "the instance owning this execution, " + where(owner) + ",";
        CompletableFuture<Reply> answer = ask(uri(owner, "/executions/", executionId, ""), authorization, who);
        try {
            return answer.get();
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return unavailable(who, "was not asked: interrupted");
        } catch (ExecutionException e) {
            return unavailable(who, "did not answer (" + e.getCause().getClass().getSimpleName() + ")");
        }
    }

    /**
     * Asks {@code instance} for its own share of a bulk: GET /bulks/{bulkId}?{@value #LOCAL_ONLY},
     * which it answers from its own stores and never passes on. Completes with its answer, or a 503
     * saying that it did not give one; never exceptionally.
     */
    CompletableFuture<Reply> share(HostInfo instance, String bulkId, String authorization) {
        return ask(
                uri(instance, "/bulks/", bulkId, "?" + LOCAL_ONLY),
                authorization,
                "the instance " + where(instance) + ", asked for its share of this bulk,");
    }

    private CompletableFuture<Reply> ask(URI uri, String authorization, String who) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Authorization", authorization)
                .header(FORWARDED, "1")
                .GET()
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> read(response, who))
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    if (cause instanceof UncheckedIOException unchecked) {
                        cause = unchecked.getCause();
                    }
                    return unavailable(
                            who, "did not answer (" + cause.getClass().getSimpleName() + ")");
                })
                // a body that stalls after the headers holds no request thread here beyond this
                .completeOnTimeout(
                        unavailable(who, "did not answer within " + 2 * TIMEOUT.toSeconds() + " s"),
                        2 * TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    private static Reply read(HttpResponse<InputStream> response, String who) {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                return unavailable(who, "answered with more than " + MAX_BODY_BYTES + " bytes");
            }
            Reply reply = new Reply(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(Reply.JSON),
                    bytes);
            // an answer's own Retry-After (a rebalance there) says when to ask again
            return response.headers()
                    .firstValue("Retry-After")
                    .filter(after -> after.matches("[0-9]{1,4}"))
                    .map(after -> reply.withHeader("Retry-After", after))
                    .orElse(reply);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply unavailable(String who, String what) {
        return Reply.unavailable(Map.of("error", who + " " + what));
    }

    private static String where(HostInfo instance) {
        return instance.host() + ":" + instance.port();
    }

    /** The id as one path segment after {@code prefix}, every character outside the unreserved ones percent-encoded. */
    static URI uri(HostInfo instance, String prefix, String id, String query) {
        StringBuilder path = new StringBuilder(prefix);
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                path.append(c);
            } else {
                path.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        String host = instance.host().contains(":") ? "[" + instance.host() + "]" : instance.host();
        return URI.create("http://" + host + ":" + instance.port() + path + query);
    }
}
