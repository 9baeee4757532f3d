package io.patternkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Numbers in trees stay as written; a tree binds to a type as its text would. */
class JsonTest {
    /** A part or request type: one exact member, one double, one untyped. */
    record Part(BigDecimal amount, double ratio, Object any) {
    }

    @Test
    void treesKeepEveryNumberAndBindAsTheirTextWould() throws Exception {
        JsonNode tree = Json.readTree("{\"amount\":12345678901234567.89,\"ratio\":0.25,\"any\":1.10}");
        assertThat(tree.toString()).isEqualTo("{\"amount\":12345678901234567.89,\"ratio\":0.25,\"any\":1.10}");
        Part part = Json.treeToValue(tree, Part.class);
        assertThat(part.amount()).isEqualByComparingTo("12345678901234567.89");
        assertThat(part.ratio()).isEqualTo(0.25);
        assertThat(part.any()).as("untyped: a Double, as the mapper reads the text").isEqualTo(1.1);
        assertThat(Json.treeToValue(tree, Map.class).get("ratio")).isEqualTo(0.25);
    }

    @Test
    void anExponentNoBigDecimalHoldsIsReadAsBeforeInsteadOfFailing() throws Exception {
        assertThat(Json.readTree("{\"x\":1e9999999999}").get("x").isNumber()).isTrue();
        assertThat(Json.readExact("{\"x\":1e9999999999}".getBytes(StandardCharsets.UTF_8), JsonNode.class).get("x").isNumber())
                .isTrue();
    }
}
