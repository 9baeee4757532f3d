package io.patternkit.sidecar.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

class StrictTextTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void wellFormedMeansEverySurrogateIsHalfOfAPair() {
        assertThat(StrictText.wellFormed("a\ud83d\ude00b")).isTrue();
        assertThat(StrictText.wellFormed("\ud800")).isFalse();
        assertThat(StrictText.wellFormed("x\udc00")).isFalse();
        assertThat(StrictText.wellFormed("\ude00\ud83d")).isFalse();
    }

    @Test
    void unpairedSurrogatesAreFoundByTheirMember() throws Exception {
        assertThat(StrictText.unpairedSurrogate(MAPPER.readTree("{\"a\":[1,{\"b\":\"\\ud800\"}]}"))).contains("a[1].b");
        assertThat(StrictText.unpairedSurrogate(MAPPER.readTree("\"\\udc00\""))).contains("body");
        assertThat(StrictText.unpairedSurrogate(MAPPER.readTree("{\"a\":\"\\ud83d\\ude00\"}"))).isEmpty();
    }

    @Test
    void malformedUtf8IsRefusedNamingTheMemberItIsIn() {
        byte[] overlong = "{\"x\":1,\"fileRef\":\"/a\u0000\u0000b\"}".getBytes(StandardCharsets.UTF_8);
        int at = new String(overlong, StandardCharsets.UTF_8).indexOf('\u0000');
        overlong[at] = (byte) 0xC0;
        overlong[at + 1] = (byte) 0xAF;
        assertThatThrownBy(() -> StrictText.decode(overlong)).isInstanceOfSatisfying(ProblemException.class,
                p -> assertThat(p.errors().get(0).field()).isEqualTo("fileRef"));
        assertThat(StrictText.decode("{\"a\":\"\u00e9\ud83d\ude00\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("{\"a\":\"\u00e9\ud83d\ude00\"}");
    }
}
