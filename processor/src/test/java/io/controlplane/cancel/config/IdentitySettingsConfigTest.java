package io.controlplane.cancel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.identity.IdentityMode;
import io.controlplane.cancel.identity.IdentitySettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The cancel.identity.* settings: trusted by default, and a signed mode that cannot be set up half-way. */
class IdentitySettingsConfigTest {

    private static Map<String, Object> signed() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CancelProcessorConfig.IDENTITY_MODE, "signed");
        settings.put(CancelProcessorConfig.IDENTITY_ISSUER, "https://issuer.example");
        settings.put(CancelProcessorConfig.IDENTITY_JWKS_URL, "https://issuer.example/jwks.json");
        return settings;
    }

    @Test
    void theModeIsTrustedByDefault() {
        CancelProcessorConfig config = new CancelProcessorConfig(Map.of());
        assertThat(config.identityMode()).isEqualTo(IdentityMode.TRUSTED);
        assertThat(config.identity()).isEmpty();
    }

    @Test
    void signedModeHasTheDocumentedDefaults() {
        IdentitySettings identity =
                new CancelProcessorConfig(signed()).identity().orElseThrow();
        assertThat(identity.refresh()).isEqualTo(Duration.ofMinutes(5));
        assertThat(identity.algorithms())
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("RS256", "ES256", "EdDSA");
        assertThat(identity.audience()).isEqualTo("controlplane.execution.cancel");
        assertThat(identity.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void signedModeWithoutAnIssuerIsAConfigError() {
        Map<String, Object> settings = signed();
        settings.remove(CancelProcessorConfig.IDENTITY_ISSUER);
        assertThatThrownBy(() -> new CancelProcessorConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(CancelProcessorConfig.IDENTITY_ISSUER);
    }

    @Test
    void signedModeWithoutAnHttpsOrFileJwksUrlIsAConfigError() {
        Map<String, Object> settings = signed();
        settings.put(CancelProcessorConfig.IDENTITY_JWKS_URL, "http://issuer.example/jwks.json");
        assertThatThrownBy(() -> new CancelProcessorConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("https: or a file: URL");
        settings.remove(CancelProcessorConfig.IDENTITY_JWKS_URL);
        assertThatThrownBy(() -> new CancelProcessorConfig(settings)).isInstanceOf(ConfigException.class);
    }

    @Test
    void noneAndHmacAreRefusedEvenIfListed() {
        for (String algorithms : new String[] {"RS256,none", "HS256", "RS256,HS512"}) {
            Map<String, Object> settings = signed();
            settings.put(CancelProcessorConfig.IDENTITY_ALGORITHMS, algorithms);
            assertThatThrownBy(() -> new CancelProcessorConfig(settings))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("never accepted");
        }
    }
}
