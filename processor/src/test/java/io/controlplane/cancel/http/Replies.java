package io.controlplane.cancel.http;

import java.nio.charset.StandardCharsets;

/** Reading replies in tests. */
final class Replies {

    private Replies() {}

    static String text(Reply reply) {
        return new String(reply.body(), StandardCharsets.UTF_8);
    }
}
