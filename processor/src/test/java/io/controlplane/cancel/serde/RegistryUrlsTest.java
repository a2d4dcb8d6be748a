package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryUrlsTest {

    @Test
    void userInfoIsLeftOut() {
        assertThat(RegistryUrls.withoutUserInfo("https://user:password@registry:8081/apis/ccompat/v7"))
                .isEqualTo("https://registry:8081/apis/ccompat/v7");
        assertThat(RegistryUrls.withoutUserInfo("https://user@registry")).isEqualTo("https://registry");
    }

    @Test
    void passwordsWithSlashesOrAtSignsAreLeftOutWhole() {
        assertThat(RegistryUrls.withoutUserInfo("https://user:pa/ss@w@rd@registry/path?q=1#f"))
                .isEqualTo("https://registry/path?q=1#f");
    }

    @Test
    void textThatIsNotAUrlLosesUserInfoToo() {
        assertThat(RegistryUrls.withoutUserInfo("user:pass word@registry:8081")).isEqualTo("registry:8081");
    }

    @Test
    void urlsWithoutUserInfoAreUnchanged() {
        assertThat(RegistryUrls.withoutUserInfo("http://registry:8081/a?who=x@y"))
                .isEqualTo("http://registry:8081/a?who=x@y");
        assertThat(RegistryUrls.withoutUserInfo("mock://scope")).isEqualTo("mock://scope");
    }

    @Test
    void aConfiguredListIsDescribedWithoutUserInfo() {
        assertThat(RegistryUrls.describe("https://a:s3cret@one, https://two")).isEqualTo("https://one,https://two");
        assertThat(RegistryUrls.describe(List.of("https://a:s3cret@one", "https://two")))
                .isEqualTo("https://one,https://two");
        assertThat(RegistryUrls.describe(null)).isEqualTo("(none)");
    }
}
