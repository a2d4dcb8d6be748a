package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.controlplane.cancel.TestCertificates;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry credentials and store passwords can live in a file of their own, read through Kafka's config providers: the
 * settings hold only a {@code ${file:...}} reference, and the serde gets the resolved value.
 */
class RegistryCredentialsFromConfigProviderTest {

    private final StubSchemaRegistry stub;

    RegistryCredentialsFromConfigProviderTest() throws IOException {
        stub = new StubSchemaRegistry();
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @Test
    void basicAuthUserInfoFromAFileConfigProviderReachesTheRegistryClientResolved(@TempDir Path dir)
            throws IOException {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "registry.user.info=carol:from-a-file\n");
        CancelProcessorConfig config = new CancelProcessorConfig(Map.of(
                "config.providers",
                "file",
                "config.providers.file.class",
                FileConfigProvider.class.getName(),
                SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                stub.url(),
                SchemaRegistryClients.BASIC_AUTH_CREDENTIALS_SOURCE,
                "USER_INFO",
                SchemaRegistryClients.BASIC_AUTH_USER_INFO,
                "${file:" + secrets + ":registry.user.info}",
                // the stub speaks plain HTTP
                SchemaRegistryClients.BASIC_AUTH_ALLOW_PLAIN_HTTP,
                "true"));
        // as Topics configures the serdes
        FramedAvroSerde<CancelCommand> serde = new FramedAvroSerde<>(CancelCommand.class);
        serde.configure(config.originalsWithPrefix("", false), false);

        serde.serializer().serialize("cancel-commands", FramedAvroSerdeTest.command("c-1"));

        assertThat(stub.authorizations)
                .containsExactly("Basic "
                        + Base64.getEncoder().encodeToString("carol:from-a-file".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void storePasswordsFromAFileConfigProviderReachTheRegistryClientResolved(@TempDir Path dir) throws IOException {
        TestCertificates ca = TestCertificates.authority("provider-test-ca");
        TestCertificates clientCa = TestCertificates.authority("provider-test-client-ca");
        Path truststore = ca.truststore(dir.resolve("truststore.p12"), "PKCS12", "trust-from-a-file");
        Path keystore = clientCa.issue("cancel-processor")
                .keystore(dir.resolve("keystore.p12"), "PKCS12", "keys-from-a-file", "keys-from-a-file");
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "truststore.password=trust-from-a-file\nkeystore.password=keys-from-a-file\n");
        SSLContext server = ca.issue("registry", "127.0.0.1").serverContext(clientCa);
        try (StubSchemaRegistry https = new StubSchemaRegistry(new HttpsConfigurator(server) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = server.getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        })) {
            CancelProcessorConfig config = new CancelProcessorConfig(Map.of(
                    "config.providers",
                    "file",
                    "config.providers.file.class",
                    FileConfigProvider.class.getName(),
                    SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                    https.url(),
                    SchemaRegistryClients.SSL_TRUSTSTORE_LOCATION,
                    truststore.toString(),
                    SchemaRegistryClients.SSL_TRUSTSTORE_TYPE,
                    "PKCS12",
                    SchemaRegistryClients.SSL_TRUSTSTORE_PASSWORD,
                    "${file:" + secrets + ":truststore.password}",
                    SchemaRegistryClients.SSL_KEYSTORE_LOCATION,
                    keystore.toString(),
                    SchemaRegistryClients.SSL_KEYSTORE_TYPE,
                    "PKCS12",
                    SchemaRegistryClients.SSL_KEYSTORE_PASSWORD,
                    "${file:" + secrets + ":keystore.password}"));
            FramedAvroSerde<CancelCommand> serde = new FramedAvroSerde<>(CancelCommand.class);
            serde.configure(config.originalsWithPrefix("", false), false);

            serde.serializer().serialize("cancel-commands", FramedAvroSerdeTest.command("c-1"));

            assertThat(https.requests).hasSize(1);
        }
    }
}
