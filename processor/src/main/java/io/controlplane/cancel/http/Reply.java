package io.controlplane.cancel.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an endpoint answers: a status, a content type, a small body, and any other response headers. */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json";

    /** What a 503 of the queries says: ask again after this many seconds (a rebalance is usually over by then). */
    static final String RETRY_AFTER_SECONDS = "2";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    Reply {
        headers = Map.copyOf(headers);
    }

    Reply(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    /** {@code body} (maps, lists, strings, numbers, nulls) as JSON. */
    static Reply json(int status, Object body) {
        try {
            return new Reply(status, JSON, MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not representable as JSON: " + body.getClass(), e);
        }
    }

    static Reply text(int status, String contentType, String body) {
        return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A 503 whose {@code body} says why, with {@code Retry-After}: the answer may come once a rebalance is over. */
    static Reply unavailable(Object body) {
        return json(503, body).withHeader("Retry-After", RETRY_AFTER_SECONDS);
    }

    /** The queries' 503: why, and the Kafka Streams state that explains it (a rebalance, say). */
    static Reply unavailable(String why, Enum<?> streamsState) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", why);
        body.put("state", streamsState.name());
        return unavailable(body);
    }

    Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, more);
    }
}
