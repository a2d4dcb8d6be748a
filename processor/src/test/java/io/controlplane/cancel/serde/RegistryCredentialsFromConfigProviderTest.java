package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry credentials can live in a file of their own, read through Kafka's config providers: the
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
                "${file:" + secrets + ":registry.user.info}"));
        // as Topics configures the serdes
        FramedAvroSerde<CancelCommand> serde = new FramedAvroSerde<>(CancelCommand.class);
        serde.configure(config.originalsWithPrefix("", false), false);

        serde.serializer().serialize("cancel-commands", FramedAvroSerdeTest.command("c-1"));

        assertThat(stub.authorizations)
                .containsExactly("Basic "
                        + Base64.getEncoder().encodeToString("carol:from-a-file".getBytes(StandardCharsets.UTF_8)));
    }
}
