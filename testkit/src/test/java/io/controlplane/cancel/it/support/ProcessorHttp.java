package io.controlplane.cancel.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A processor's HTTP endpoints on loopback, asked as an operator or a prober asks them. */
public final class ProcessorHttp {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;

    public ProcessorHttp(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** The answer to GET {@code path}, with {@code Authorization: Bearer <token>} when a token is given. */
    public HttpResponse<String> get(String path, Optional<String> token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(path, Optional.empty());
    }

    /** The status of GET {@code path}, or empty while nothing listens. */
    public Optional<Integer> status(String path) throws InterruptedException {
        return answer(path).map(HttpResponse::statusCode);
    }

    /** The answer to GET {@code path}, or empty while nothing listens. */
    public Optional<HttpResponse<String>> answer(String path) throws InterruptedException {
        try {
            return Optional.of(get(path));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
