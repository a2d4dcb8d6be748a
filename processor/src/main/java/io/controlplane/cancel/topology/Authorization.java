package io.controlplane.cancel.topology;

import io.controlplane.cancel.identity.CommandIdentity;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** A command record's {@code authorization} header, as text. It is a credential: never logged or forwarded. */
final class Authorization {

    /** Two values would be two claims of who sent the command: neither is believed. */
    static final String AMBIGUOUS = "";

    private Authorization() {}

    /** The header's value, null if there is none, and {@link #AMBIGUOUS} (not a token) if there are several. */
    static String of(Headers headers) {
        String value = null;
        for (Header header : headers.headers(CommandIdentity.AUTHORIZATION_HEADER)) {
            if (value != null) {
                return AMBIGUOUS;
            }
            value = header.value() == null ? AMBIGUOUS : new String(header.value(), StandardCharsets.UTF_8);
        }
        return value;
    }
}
