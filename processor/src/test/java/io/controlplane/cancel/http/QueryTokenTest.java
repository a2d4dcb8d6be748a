package io.controlplane.cancel.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryTokenTest {

    private final QueryToken token = new QueryToken("s3cret-token");

    @Test
    void admitsExactlyTheBearerToken() {
        assertThat(token.admits("Bearer s3cret-token")).isTrue();
        assertThat(token.admits("bearer s3cret-token")).isTrue();
        assertThat(token.admits("Bearer  s3cret-token ")).isTrue();
    }

    @Test
    void refusesAnyOtherOrMissingToken() {
        assertThat(token.admits(null)).isFalse();
        assertThat(token.admits("")).isFalse();
        assertThat(token.admits("s3cret-token")).isFalse();
        assertThat(token.admits("Basic s3cret-token")).isFalse();
        assertThat(token.admits("Bearer s3cret-toke")).isFalse();
        assertThat(token.admits("Bearer s3cret-token2")).isFalse();
        assertThat(token.admits("Bearer ")).isFalse();
        assertThat(token.admits("Bearer s3cret-token" + " ".repeat(QueryToken.MAX_HEADER_LENGTH)))
                .isFalse();
    }

    @Test
    void neverShowsTheToken() {
        assertThat(token.toString()).doesNotContain("s3cret");
    }
}
