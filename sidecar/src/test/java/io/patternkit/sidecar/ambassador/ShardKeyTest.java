package io.patternkit.sidecar.ambassador;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShardKeyTest {
    @Test
    void parsesTheThreePlacesAndRefusesOthers() {
        assertThat(ShardKey.parse("header:X-Tenant")).isEqualTo(new ShardKey("header", "X-Tenant"));
        assertThat(ShardKey.parse("query:term").toString()).isEqualTo("query:term");
        assertThat(ShardKey.parse("path:2")).isEqualTo(new ShardKey("path", "2"));
        for (String bad : new String[] {"cookie:x", "path:0", "path:x", "header:", "query", "header:a b"}) {
            assertThatThrownBy(() -> ShardKey.parse(bad)).as(bad).hasMessageContaining("must be header:NAME, query:NAME or path:N");
        }
    }

    @Test
    void decodesStrictlyAsUtf8() {
        assertThat(ShardKey.decode("caf%C3%A9+au+lait", true)).isEqualTo("café au lait");
        assertThat(ShardKey.decode("a+b", false)).isEqualTo("a+b");
        assertThatThrownBy(() -> ShardKey.decode("%zz", true)).hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> ShardKey.decode("%4", true)).hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> ShardKey.decode("%C3%28", true)).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> ShardKey.decode("%ED%A0%80", true)).hasMessageContaining("not valid UTF-8"); // a lone surrogate
        assertThatThrownBy(() -> ShardKey.decode("é", true)).hasMessageContaining("percent-encoded");
    }
}
