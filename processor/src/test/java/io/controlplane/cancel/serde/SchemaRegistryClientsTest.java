package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Configuration errors name what is wrong, never the credentials around it. */
class SchemaRegistryClientsTest {

    private static final String PASSWORD = "s3cret-pw";

    @Test
    void aBadUrlIsNamedWithoutItsPassword() {
        for (String url : List.of(
                "ftp://bob:" + PASSWORD + "@registry",
                "https://bob:" + PASSWORD + " x@registry",
                "https://bob:" + PASSWORD + "@reg istry")) {
            Map<String, String> config = Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, url);
            assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("bad URL ")
                    .hasMessageNotContaining(PASSWORD)
                    .hasMessageNotContaining("bob");
        }
    }

    @Test
    void aMockUrlInAListIsNamedWithoutTheOthersPasswords() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                        "mock://scope,https://bob:" + PASSWORD + "@registry")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value mock://scope,https://registry for configuration schema.registry.url:"
                        + " a mock:// URL cannot be combined with others");
    }

    @Test
    void aBadlyEncodedPasswordIsNotQuoted() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                        "https://bob:" + PASSWORD + "%zz" + PASSWORD + "@registry")))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining(PASSWORD)
                .hasMessageContaining("bad URL https://registry: Malformed escape pair");
    }

    @Test
    void aUserInfoWithoutAColonIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL, "https://registry",
                        SchemaRegistryClients.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                        SchemaRegistryClients.BASIC_AUTH_USER_INFO, PASSWORD)))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void basicAuthCredentialsOverPlainHttpAreRefusedNamingTheSettingThatAllowsThem() {
        Map<String, String> inTheUrl = Map.of(
                SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                "https://registry-a:8081,http://bob:" + PASSWORD + "@registry-b:8081/apis/ccompat/v7");
        Map<String, String> userInfo = Map.of(
                SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                "https://registry-a:8081,http://registry-b:8081/apis/ccompat/v7",
                SchemaRegistryClients.BASIC_AUTH_CREDENTIALS_SOURCE,
                "USER_INFO",
                SchemaRegistryClients.BASIC_AUTH_USER_INFO,
                "bob:" + PASSWORD);
        for (Map<String, String> config : List.of(inTheUrl, userInfo)) {
            assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("Invalid value https://registry-a:8081,http://registry-b:8081/apis/ccompat/v7 for"
                            + " configuration schema.registry.url: basic-auth credentials would be sent unencrypted"
                            + " over http://; use https://, or set schema.registry.basic.auth.allow.plain.http=true"
                            + " to allow it");
        }
    }

    @Test
    void basicAuthCredentialsOverPlainHttpAreSentWhenExplicitlyAllowed() {
        for (Object allowed : List.of("true", Boolean.TRUE)) {
            assertThat(SchemaRegistryClients.fromConfig(Map.of(
                            SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                            "http://bob:" + PASSWORD + "@registry:8081",
                            SchemaRegistryClients.BASIC_AUTH_ALLOW_PLAIN_HTTP,
                            allowed)))
                    .isInstanceOf(RestSchemaRegistryClient.class);
        }
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                        "http://bob:" + PASSWORD + "@registry:8081",
                        SchemaRegistryClients.BASIC_AUTH_ALLOW_PLAIN_HTTP,
                        "false")))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void plainHttpWithoutCredentialsAndMockRegistriesAreUnaffected() {
        assertThat(SchemaRegistryClients.fromConfig(
                        Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, "http://registry:8081")))
                .isInstanceOf(RestSchemaRegistryClient.class);
        assertThat(SchemaRegistryClients.fromConfig(Map.of(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL, "mock://plain-http-test",
                        SchemaRegistryClients.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                        SchemaRegistryClients.BASIC_AUTH_USER_INFO, "bob:" + PASSWORD)))
                .isInstanceOf(InMemorySchemaRegistry.class);
    }
}
