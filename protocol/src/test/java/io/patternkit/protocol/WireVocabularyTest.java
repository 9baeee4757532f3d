package io.patternkit.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire's vocabulary in Java is the contract's: every enum spells exactly the contract's values, and every name rule its pattern. */
class WireVocabularyTest {
    private static final OpenAPI API = new OpenAPIV3Parser().readContents(spec()).getOpenAPI();

    private static String spec() {
        try (InputStream in = WireVocabularyTest.class.getClassLoader().getResourceAsStream(Wire.OPENAPI_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The property's enum values, across the alternatives when the schema is a {@code oneOf}, in order. */
    private static List<?> contractEnum(String schema, String property) {
        Schema<?> owner = API.getComponents().getSchemas().get(schema);
        assertThat(owner).as(schema).isNotNull();
        List<Schema<?>> alternatives = new java.util.ArrayList<>();
        if (owner.getOneOf() != null) {
            owner.getOneOf().forEach(alternatives::add);
        } else {
            alternatives.add(owner);
        }
        return alternatives.stream().flatMap(a -> ((Schema<?>) a.getProperties().get(property)).getEnum().stream()).toList();
    }

    private static <E extends Enum<E> & WireName> List<String> wireNames(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireName::wireName).toList();
    }

    @Test
    void enumsSpellTheContractsValues() {
        assertThat(wireNames(ShardStatus.class)).containsExactlyElementsOf(
                contractEnum("ScatterShard", "status").stream().map(Object::toString).toList());
        assertThat(wireNames(ItemState.class)).containsExactlyElementsOf(
                contractEnum("NackResult", "state").stream().map(Object::toString).toList());
        assertThat(wireNames(CompletionPolicy.class)).containsExactlyElementsOf(
                contractEnum("Completion", "policy").stream().map(Object::toString).toList());
    }

    @Test
    void wireNamesAreReadBackAndUnknownOnesAreEmpty() {
        for (ShardStatus status : ShardStatus.values()) {
            assertThat(WireName.fromWire(ShardStatus.class, status.wireName())).contains(status);
        }
        assertThat(WireName.fromWire(LeafSource.class, "dns")).contains(LeafSource.DNS);
        assertThat(WireName.fromWire(ShardStatus.class, "TIMED_OUT")).isEmpty();
        assertThat(WireName.fromWire(ItemState.class, null)).isEmpty();
    }

    @Test
    void nameRulesAcceptAndRejectWithTheirSentence() {
        assertThat(NameRule.QUEUE.matches("thumbnails.v2")).isTrue();
        assertThat(NameRule.QUEUE.matches("a/b")).isFalse();
        assertThat(NameRule.QUEUE.matches(null)).isFalse();
        assertThat(NameRule.ELECTION.matches("Report")).isFalse();
        assertThat(NameRule.CANDIDATE_ID.matches("pod-7@node:1")).isTrue();
        assertThat(NameRule.QUEUE.rejection("a/b")).isEqualTo("queue name must be 1 to 128 letters, digits, '.', '_' or '-', other than '.' and '..', got 'a/b'");
        assertThat(NameRule.SHARD.rejection("leafId", "-x")).startsWith("leafId must be 1 to 253 letters");
        assertThat(Wire.QUEUE_NAME).isSameAs(NameRule.QUEUE.pattern());
    }

    /** A Kubernetes Lease's name is a DNS-1123 subdomain: a name with an empty or dashed label was a 422, so a 503 for ever. */
    @Test
    void electionNamesAreWhatEveryEngineCanStoreAndTheContractSaysSo() {
        for (String name : java.util.List.of("report", "report.v2", "a-b.c-d", "a", "a1.b2.c3", "x".repeat(63))) {
            assertThat(NameRule.ELECTION.matches(name)).as(name).isTrue();
        }
        for (String name : java.util.List.of("a..b", "a.-b", "a-.b", ".a", "a.", "-a", "a-", "x".repeat(64), "A")) {
            assertThat(NameRule.ELECTION.matches(name)).as(name).isFalse();
        }
        assertThat(spec()).contains("pattern: '^" + NameRule.ELECTION.pattern().pattern() + "$'");
    }

    /** Issue 14: '.' and '..' matched the contract's pattern, yet no URL can carry them as a path segment. */
    @Test
    void dotSegmentsAreNoNamesAndTheContractSaysSo() {
        for (NameRule rule : java.util.List.of(NameRule.QUEUE, NameRule.POOL)) {
            assertThat(rule.matches(".")).as(rule + " '.'").isFalse();
            assertThat(rule.matches("..")).as(rule + " '..'").isFalse();
            assertThat(rule.matches("...")).isTrue();
            assertThat(rule.matches(".hidden")).isTrue();
            assertThat(rule.rule()).contains("other than '.' and '..'");
        }
        assertThat(spec()).contains("pattern: '^" + NameRule.QUEUE.pattern().pattern() + "$'");
        assertThat(spec()).doesNotContain("pattern: '^[A-Za-z0-9._-]{1,128}$'");
    }
}
