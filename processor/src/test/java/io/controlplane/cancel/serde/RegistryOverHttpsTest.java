package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.controlplane.cancel.TestCertificates;
import io.controlplane.cancel.TestCertificates.Issued;
import io.controlplane.cancel.avro.CancelCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client over HTTPS, with the Confluent client's {@code schema.registry.ssl.*} settings,
 * against a registry on 127.0.0.1 whose certificate a CA made here signed. A certificate the client
 * cannot trust is an outage (the record waits), never the record's fault.
 */
class RegistryOverHttpsTest {

    private static final String STORE_PASSWORD = "store-s3cret";
    private static final String KEY_PASSWORD = "key-s3cret";
    private static final TestCertificates CA = TestCertificates.authority("registry-test-ca");
    private static final Issued REGISTRY_CERTIFICATE = CA.issue("registry", "127.0.0.1");

    @TempDir
    Path dir;

    private StubSchemaRegistry stub;

    @AfterEach
    void stopStub() {
        if (stub != null) {
            stub.close();
        }
    }

    @Test
    void aRegistryCertificateSignedByTheConfiguredTruststoresCaIsTrusted() throws IOException {
        stub = new StubSchemaRegistry(new HttpsConfigurator(REGISTRY_CERTIFICATE.serverContext(null)));
        for (String type : List.of("JKS", "PKCS12", "PEM")) {
            Map<String, Object> config = trusting(CA, type);
            // each type its own client: a schema once fetched is cached
            config.put(SchemaRegistryClients.HTTP_READ_TIMEOUT_MS, String.valueOf(4000 + type.length()));

            int id = SchemaRegistryClients.fromConfig(config).register("s-value", CancelCommand.getClassSchema());

            assertThat(id).as(type).isEqualTo(1);
        }
        assertThat(stub.requests).hasSize(3);
    }

    @Test
    void anUntrustedCertificateIsAnOutageNotTheRecordsFault() throws IOException {
        stub = new StubSchemaRegistry(new HttpsConfigurator(REGISTRY_CERTIFICATE.serverContext(null)));
        Map<String, Object> jvmDefault = new HashMap<>(Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, stub.url()));
        Map<String, Object> anotherCa = trusting(TestCertificates.authority("another-ca"), "PKCS12");

        for (Map<String, Object> config : List.of(jvmDefault, anotherCa)) {
            config.put(SchemaRegistryClients.HTTP_RETRY_MAX_MS, "0");
            assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config).schemaById(1))
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageStartingWith(
                            "Schema registry at " + stub.url() + " is unreachable: TLS handshake failed: ");
        }
        assertThat(stub.requests).isEmpty();
    }

    @Test
    void aCertificateForAnotherHostNameIsRefused() throws IOException {
        Issued elsewhere = CA.issue("registry", "registry.example", "10.1.2.3");
        stub = new StubSchemaRegistry(new HttpsConfigurator(elsewhere.serverContext(null)));
        Map<String, Object> config = trusting(CA, "PKCS12");
        config.put(SchemaRegistryClients.HTTP_RETRY_MAX_MS, "0");

        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("TLS handshake failed: ")
                .hasMessageContaining("127.0.0.1");
        assertThat(stub.requests).isEmpty();
    }

    @Test
    void hostNameVerificationCannotBeTurnedOff() {
        Map<String, Object> config = trusting(CA, "PKCS12");
        config.put("schema.registry.ssl.endpoint.identification.algorithm", "");

        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.ssl.endpoint.identification.algorithm")
                .hasMessageContaining("always verifies the registry's host name");
    }

    @Test
    void aRegistryThatAsksForAClientCertificateGetsTheConfiguredKeystore() throws IOException {
        TestCertificates clientCa = TestCertificates.authority("client-ca");
        stub = new StubSchemaRegistry(requiringClientCertificates(REGISTRY_CERTIFICATE.serverContext(clientCa)));
        Map<String, Object> withoutKey = trusting(CA, "PKCS12");
        withoutKey.put(SchemaRegistryClients.HTTP_RETRY_MAX_MS, "0");
        Map<String, Object> withKey = new HashMap<>(withoutKey);
        withKey.put(
                SchemaRegistryClients.SSL_KEYSTORE_LOCATION,
                clientCa.issue("cancel-processor")
                        .keystore(dir.resolve("client.jks"), "JKS", STORE_PASSWORD, KEY_PASSWORD)
                        .toString());
        withKey.put(SchemaRegistryClients.SSL_KEYSTORE_TYPE, "JKS");
        withKey.put(SchemaRegistryClients.SSL_KEYSTORE_PASSWORD, STORE_PASSWORD);
        withKey.put(SchemaRegistryClients.SSL_KEY_PASSWORD, KEY_PASSWORD);

        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(withoutKey).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class);
        assertThat(SchemaRegistryClients.fromConfig(withKey).register("s-value", CancelCommand.getClassSchema()))
                .isEqualTo(1);
    }

    @Test
    void aTruststoreThatCannotBeOpenedIsAConfigurationErrorWithoutItsPassword() {
        Map<String, Object> config = trusting(CA, "PKCS12");
        config.put(SchemaRegistryClients.SSL_TRUSTSTORE_PASSWORD, "wrong-" + STORE_PASSWORD);

        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Cannot set up TLS to the schema registry from schema.registry.ssl.*: ")
                .hasMessageContaining(dir.resolve("truststore.PKCS12").toString())
                .hasMessageNotContaining(STORE_PASSWORD)
                .hasMessageNotContaining("\n");
    }

    @Test
    void basicAuthCredentialsGoOverHttpsWithoutFurtherSetting() throws IOException {
        stub = new StubSchemaRegistry(new HttpsConfigurator(REGISTRY_CERTIFICATE.serverContext(null)));
        Map<String, Object> config = trusting(CA, "PKCS12");
        config.put(SchemaRegistryClients.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(SchemaRegistryClients.BASIC_AUTH_USER_INFO, "alice:" + STORE_PASSWORD);

        SchemaRegistryClients.fromConfig(config).register("s-value", CancelCommand.getClassSchema());

        assertThat(stub.authorizations)
                .containsExactly("Basic "
                        + Base64.getEncoder()
                                .encodeToString(("alice:" + STORE_PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    /** Settings for the stub's URL (if started) trusting {@code ca} through a truststore of {@code type}. */
    private Map<String, Object> trusting(TestCertificates ca, String type) {
        Path truststore = ca.truststore(dir.resolve("truststore." + type), type, STORE_PASSWORD);
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryClients.SCHEMA_REGISTRY_URL, stub == null ? "https://127.0.0.1:1" : stub.url());
        config.put(SchemaRegistryClients.SSL_TRUSTSTORE_LOCATION, truststore.toString());
        config.put(SchemaRegistryClients.SSL_TRUSTSTORE_TYPE, type);
        if (!"PEM".equals(type)) {
            config.put(SchemaRegistryClients.SSL_TRUSTSTORE_PASSWORD, STORE_PASSWORD);
        }
        return config;
    }

    private static HttpsConfigurator requiringClientCertificates(SSLContext context) {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = context.getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        };
    }
}
