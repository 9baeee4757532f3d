package io.patternkit.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class MethodTagTest {
    @Test
    void standardMethodsKeepTheirNamesAndEveryOtherTokenIsOther() {
        for (HttpMethod standard : new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
                HttpMethod.DELETE, HttpMethod.CONNECT, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.PATCH}) {
            assertThat(MethodTag.of(standard)).isEqualTo(standard.name());
        }
        assertThat(MethodTag.of(HttpMethod.valueOf("AAAA1"))).isEqualTo(MethodTag.OTHER);
        assertThat(MethodTag.of(HttpMethod.PROPFIND)).as("WebDAV's methods are not this server's").isEqualTo(MethodTag.OTHER);
        assertThat(MethodTag.of(HttpMethod.valueOf("get"))).as("methods are case-sensitive (RFC 9110 9.1)")
                .isEqualTo(MethodTag.OTHER);
    }
}
