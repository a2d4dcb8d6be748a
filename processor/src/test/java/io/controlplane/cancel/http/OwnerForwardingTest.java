package io.controlplane.cancel.http;

import static io.controlplane.cancel.http.Replies.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OwnerForwardingTest {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final OwnerForwarding forwarding = new OwnerForwarding();
    private HttpServer owner;
    private volatile byte[] answer = "{\"executionId\":\"e 1\"}".getBytes(StandardCharsets.UTF_8);
    private volatile int status = 404;
    private volatile String retryAfter = "7";

    @BeforeEach
    void startOwner() throws Exception {
        owner = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        owner.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + exchange.getRequestURI().getRawQuery())
                    + "|"
                    + exchange.getRequestHeaders().getFirst("Authorization") + "|"
                    + exchange.getRequestHeaders().getFirst(OwnerForwarding.FORWARDED));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        owner.start();
    }

    @AfterEach
    void stopOwner() {
        owner.stop(0);
    }

    @Test
    void relaysTheOwnersAnswerAndMarksTheRequestForwarded() {
        Reply reply = forwarding.forward(host(), "e 1/ü", "Bearer t");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(text(reply)).isEqualTo("{\"executionId\":\"e 1\"}");
        assertThat(received).containsExactly("/executions/e%201%2F%C3%BC|Bearer t|1");
    }

    @Test
    void anOwnersRetryAfterIsRelayedOnlyIfItIsANumberOfSeconds() {
        status = 503;
        assertThat(forwarding.forward(host(), "e-1", "Bearer t").headers()).containsEntry("Retry-After", "7");
        retryAfter = "Wed, 21 Oct 2099 07:28:00 GMT";
        assertThat(forwarding.forward(host(), "e-1", "Bearer t").headers()).doesNotContainKey("Retry-After");
    }

    @Test
    void aBulkShareIsAskedOfTheInstanceForItsOwnStoresOnlyWithTheToken() {
        status = 200;
        Reply reply = forwarding.share(host(), "b 1/ü", "Bearer t").join();

        assertThat(reply.status()).isEqualTo(200);
        assertThat(received).containsExactly("/bulks/b%201%2F%C3%BC?local=true|Bearer t|1");
    }

    @Test
    void aBulkShareNotGivenIsA503NeverAFailure() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Reply reply = forwarding
                .share(new HostInfo("127.0.0.1", closed), "b-1", "Bearer s3cret")
                .join();
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.headers()).containsEntry("Retry-After", Reply.RETRY_AFTER_SECONDS);
        assertThat(text(reply)).contains("127.0.0.1:" + closed, "share").doesNotContain("s3cret");
    }

    @Test
    void anOverlongAnswerIsNotRelayed() {
        answer = new byte[OwnerForwarding.MAX_BODY_BYTES + 1];
        Reply reply = forwarding.forward(host(), "e-1", "Bearer t");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(text(reply)).contains("more than " + OwnerForwarding.MAX_BODY_BYTES + " bytes");
    }

    @Test
    void anOwnerThatDoesNotAnswerIsUnavailableWithoutTheToken() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Reply reply = forwarding.forward(new HostInfo("127.0.0.1", closed), "e-1", "Bearer s3cret");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.headers()).containsEntry("Retry-After", Reply.RETRY_AFTER_SECONDS);
        assertThat(text(reply)).contains("127.0.0.1:" + closed).doesNotContain("s3cret");
    }

    private HostInfo host() {
        return new HostInfo("127.0.0.1", owner.getAddress().getPort());
    }
}
