package io.controlplane.cancel.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/** What an endpoint answers: a status, a content type and a small body. */
record Reply(int status, String contentType, byte[] body) {

    static final String JSON = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

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
}
