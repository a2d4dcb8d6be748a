package io.controlplane.cancel.identity;

import java.util.Arrays;
import java.util.Locale;

/** cancel.identity.mode: whether a command's actor is taken on trust or must be proven by a signed token. */
public enum IdentityMode {
    /** Whoever may write to the commands topic may say who they are: Kafka ACLs are the trust boundary. */
    TRUSTED,
    /** Every command carries a signed identity assertion of its cancelledBy. */
    SIGNED;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static IdentityMode fromConfigName(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    public static String[] configNames() {
        return Arrays.stream(values()).map(IdentityMode::configName).toArray(String[]::new);
    }
}
