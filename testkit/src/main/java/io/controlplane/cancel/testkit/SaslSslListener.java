package io.controlplane.cancel.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * How {@link EmbeddedKafka#startSecured} secures its client listener: SASL_SSL with SCRAM-SHA-512, a
 * broker certificate from the given CA (PEM, in-line, so no keystore files), the SCRAM users created
 * when the storage is formatted, and {@code StandardAuthorizer} denying whatever no ACL allows.
 *
 * @param brokerCertificateChain the broker's certificate then its CA's, PEM
 * @param brokerPrivateKey the broker's key, unencrypted PKCS#8 PEM
 * @param caCertificate the CA clients trust, PEM
 * @param superUser the only super user: it sets up topics and ACLs, and brokers talk to each other as it
 * @param users every SCRAM user and its password, the super user among them
 */
public record SaslSslListener(
        String brokerCertificateChain,
        String brokerPrivateKey,
        String caCertificate,
        String superUser,
        Map<String, String> users) {

    public static final String LISTENER = "SASL_SSL";
    public static final String MECHANISM = "SCRAM-SHA-512";

    public SaslSslListener {
        users = Map.copyOf(users);
        if (!users.containsKey(superUser)) {
            throw new IllegalArgumentException("The super user " + superUser + " needs a password");
        }
    }

    /** The broker's settings for its listeners, authentication and authorization. */
    Map<String, String> brokerSettings() {
        String prefix = "listener.name." + LISTENER.toLowerCase(Locale.ROOT) + ".";
        Map<String, String> settings = new HashMap<>();
        settings.put("inter.broker.listener.name", LISTENER);
        settings.put("sasl.enabled.mechanisms", MECHANISM);
        settings.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        settings.put(prefix + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config", jaas(superUser));
        settings.put(prefix + SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
        settings.put(prefix + SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, brokerCertificateChain);
        settings.put(prefix + SslConfigs.SSL_KEYSTORE_KEY_CONFIG, brokerPrivateKey);
        // what the broker trusts when it connects to itself as the super user
        settings.put(prefix + SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        settings.put(prefix + SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, caCertificate);
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("allow.everyone.if.no.acl.found", "false");
        settings.put("super.users", "User:" + superUser);
        return settings;
    }

    /** What {@code kafka-storage format --add-scram} takes, one per user. */
    List<String> scramArguments() {
        List<String> arguments = new ArrayList<>();
        users.forEach((user, password) -> arguments.add(MECHANISM + "=[name=" + user + ",password=" + password + "]"));
        return arguments;
    }

    /** A client's security settings as {@code user}: its SASL login and the CA it trusts. */
    public Map<String, Object> clientSettings(String user) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("security.protocol", LISTENER);
        settings.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user));
        settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        settings.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, caCertificate);
        return settings;
    }

    private String jaas(String user) {
        String password = users.get(user);
        if (password == null) {
            throw new IllegalArgumentException("No SCRAM user " + user);
        }
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }
}
