package io.controlplane.cancel.serde;

import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * The registry client's TLS settings, as Confluent's client takes them: Kafka's client {@code ssl.*}
 * settings under the prefix {@code schema.registry.} (truststore and keystore location, password and
 * type, key password, ...). Kafka's own {@link DefaultSslEngineFactory}, which builds a Kafka client's
 * TLS, reads them, so JKS, PKCS12 and PEM stores work here as they do for a Kafka client.
 *
 * <p>Equal settings are equal values, so that serdes configured alike share one client. Passwords
 * are held as Kafka's {@link org.apache.kafka.common.config.types.Password}, which never prints them.
 */
final class RegistryTls {

    static final String PREFIX = "schema.registry.";
    static final String ENDPOINT_IDENTIFICATION = PREFIX + SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG;

    private static final RegistryTls JVM_DEFAULT = new RegistryTls(Map.of());
    private static final ConfigDef PREFIXED_SSL = prefixedSslSettings();

    /** Parsed {@code ssl.*} settings without the prefix; empty for the JVM's default TLS. */
    private final Map<String, Object> settings;

    private RegistryTls(Map<String, Object> settings) {
        this.settings = settings;
    }

    private static ConfigDef prefixedSslSettings() {
        ConfigDef prefixed = new ConfigDef();
        prefixed.embed(PREFIX, "", 0, new ConfigDef().withClientSslSupport());
        return prefixed;
    }

    static RegistryTls from(Map<String, ?> configs) {
        if (configs.keySet().stream().noneMatch(key -> key.startsWith(PREFIX + "ssl."))) {
            return JVM_DEFAULT;
        }
        Object identification = configs.get(ENDPOINT_IDENTIFICATION);
        if (identification != null
                && !"https".equalsIgnoreCase(String.valueOf(identification).trim())) {
            // Kafka turns host name checks off with an empty value; the registry client never does.
            throw new ConfigException(
                    ENDPOINT_IDENTIFICATION,
                    identification,
                    "the schema registry client always verifies the registry's host name (https)");
        }
        Map<String, Object> unprefixed = new HashMap<>();
        PREFIXED_SSL.parse(configs).forEach((key, value) -> unprefixed.put(key.substring(PREFIX.length()), value));
        return new RegistryTls(Map.copyOf(withoutNulls(unprefixed)));
    }

    /**
     * A context from the configured stores, or null for the JVM's default one. A store that cannot be
     * read (missing, wrong password, wrong type) is a configuration error, named without its password.
     */
    SSLContext sslContext() {
        if (settings.isEmpty()) {
            return null;
        }
        try (DefaultSslEngineFactory factory = new DefaultSslEngineFactory()) {
            factory.configure(settings);
            return factory.sslContext();
        } catch (KafkaException e) {
            throw new ConfigException(
                    "Cannot set up TLS to the schema registry from " + PREFIX + "ssl.*: " + reasons(e));
        }
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> parsed) {
        parsed.values().removeIf(value -> value == null);
        return parsed;
    }

    /** The messages of the failure and its causes, on one line: Kafka's say which store, the JDK's why. */
    private static String reasons(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank() && text.indexOf(t.getMessage()) < 0) {
                text.append(text.length() == 0 ? "" : ": ")
                        .append(t.getMessage().strip());
            }
        }
        return text.toString().replaceAll("\\p{Cntrl}+", " ");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegistryTls tls && settings.equals(tls.settings);
    }

    @Override
    public int hashCode() {
        return settings.hashCode();
    }

    @Override
    public String toString() {
        return settings.isEmpty() ? "JVM default TLS" : "TLS from " + PREFIX + "ssl.*";
    }
}
