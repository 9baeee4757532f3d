package io.patternkit.sidecar.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class JsonMappersTest {
    private final JsonMapper mapper = JsonMappers.standard();

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void readsDocumentsAsDeepAsJackson2DidAndWritesThemInsideAnEnvelope() {
        JsonNode deep = mapper.readTree(nested(JsonMappers.MAX_READ_DEPTH));
        ObjectNode answer = mapper.createObjectNode();
        answer.putArray("shards").addObject().set("response", deep);

        assertThat(mapper.writeValueAsString(answer)).endsWith("]}]}").hasSize(2 * JsonMappers.MAX_READ_DEPTH + 26);
        assertThatThrownBy(() -> mapper.readTree(nested(JsonMappers.MAX_READ_DEPTH + 1)))
                .isInstanceOf(JacksonException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void writesMembersInTheOrderARecordDeclaresThem() {
        record Answer(String zeta, int alpha) {
        }
        assertThat(mapper.writeValueAsString(new Answer("z", 1))).isEqualTo("{\"zeta\":\"z\",\"alpha\":1}");
    }

    @Test
    void oneDocumentRefusesWhatFollowsTheFirst() {
        assertThat(mapper.readTree("{\"a\":1} {\"b\":2}").get("a").asInt()).isEqualTo(1);
        assertThatThrownBy(() -> JsonMappers.oneDocument(mapper).readTree("{\"a\":1} {\"b\":2}"))
                .isInstanceOf(JacksonException.class);
    }
}
