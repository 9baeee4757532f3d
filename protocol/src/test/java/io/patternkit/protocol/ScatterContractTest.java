package io.patternkit.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The scatter part of the contract: the root's paths, and the leaf and merge calls (served by
 * applications) that both the root's and the SDK's tests validate against.
 */
class ScatterContractTest {
    private final OpenApiInteractionValidator validator =
            OpenApiInteractionValidator.createForSpecificationUrl(Wire.OPENAPI_RESOURCE).build();

    private static SimpleResponse json(int status, String body) {
        return SimpleResponse.Builder.status(status).withContentType("application/json").withBody(body).build();
    }

    @Test
    void registrationAcceptsAWellFormedLeafAndRejectsBadOnes() {
        String path = "/v1/pools/search/leaves/pod-a:7400";
        ValidationReport ok = validator.validate(SimpleRequest.Builder.put(path).withContentType("application/json")
                        .withBody("{\"shard\":\"s1\",\"url\":\"http://10.0.0.5:7400/patternkit/leaf/search\",\"ttlMs\":10000}").build(),
                json(200, "{\"pool\":\"search\",\"leafId\":\"pod-a:7400\",\"shard\":\"s1\",\"url\":\"http://10.0.0.5:7400/x\","
                        + "\"ttlMs\":10000,\"expiresInMs\":9999}"));
        assertThat(ok.getMessages()).isEmpty();
        for (String bad : new String[] {"{\"shard\":\"s1\",\"url\":\"ftp://x/y\"}", "{\"shard\":\"s1\",\"url\":\"http://x/\",\"ttlMs\":10}",
                "{\"url\":\"http://x/\"}", "{\"shard\":\"-s\",\"url\":\"http://x/\"}", "{\"shard\":\"s1\",\"url\":\"http://x/\",\"ttl\":1}"}) {
            assertThat(validator.validateRequest(SimpleRequest.Builder.put(path).withContentType("application/json")
                    .withBody(bad).build()).hasErrors()).as(bad).isTrue();
        }
    }

    @Test
    void scatterResultNamesEveryShardWithAStatus() {
        ValidationReport ok = validator.validate(SimpleRequest.Builder.post("/v1/pools/search/scatter")
                        .withContentType("application/json")
                        .withBody("{\"request\":{\"q\":\"tail\"},\"deadlineMs\":500,\"completion\":{\"policy\":\"firstN\",\"n\":2},"
                                + "\"hedging\":{\"delayPercentile\":99,\"maxExtraLoadPercent\":2,\"maxHedges\":2},\"shards\":[\"s1\",\"s2\"]}").build(),
                json(200, "{\"pool\":\"search\",\"scatterId\":\"x\",\"complete\":false,\"policyMet\":true,\"elapsedMs\":12,"
                        + "\"shards\":[{\"shard\":\"s1\",\"status\":\"answered\",\"leafId\":\"a\",\"latencyMs\":3,\"hedged\":false,"
                        + "\"attempts\":1,\"response\":[1,2]},{\"shard\":\"s2\",\"status\":\"timedOut\",\"reason\":\"deadline\","
                        + "\"latencyMs\":500,\"hedged\":true,\"attempts\":2}],"
                        + "\"stats\":{\"leafRequests\":3,\"hedgedRequests\":1,\"cancelledRequests\":1}}"));
        assertThat(ok.getMessages()).isEmpty();
        ValidationReport badStatus = validator.validateResponse("/v1/pools/search/scatter", Request.Method.POST,
                json(200, "{\"pool\":\"p\",\"scatterId\":\"x\",\"complete\":true,\"policyMet\":true,\"elapsedMs\":1,"
                        + "\"shards\":[{\"shard\":\"s1\",\"status\":\"lost\",\"latencyMs\":1,\"hedged\":false,\"attempts\":1}],"
                        + "\"stats\":{\"leafRequests\":1,\"hedgedRequests\":0,\"cancelledRequests\":0}}"));
        assertThat(badStatus.hasErrors()).isTrue();
        ValidationReport badPolicy = validator.validateRequest(SimpleRequest.Builder.post("/v1/pools/search/scatter")
                .withContentType("application/json").withBody("{\"request\":1,\"completion\":{\"policy\":\"most\"}}").build());
        assertThat(badPolicy.hasErrors()).isTrue();
    }

    @Test
    void maxHedgesIsBoundedAsTheSidecarBoundsIt() {
        // The sidecar's ScatterRequestParser takes 1 to 4 hedges per shard; the contract must say the same.
        for (int hedges : new int[] {0, 1, 4, 5}) {
            ValidationReport report = validator.validateRequest(SimpleRequest.Builder.post("/v1/pools/search/scatter")
                    .withContentType("application/json")
                    .withBody("{\"request\":1,\"hedging\":{\"maxHedges\":" + hedges + "}}").build());
            assertThat(report.hasErrors()).as("maxHedges %d", hedges).isEqualTo(hedges < 1 || hedges > 4);
        }
    }

    @Test
    void streamedScatterIsDeclared() {
        ValidationReport ok = validator.validateResponse("/v1/pools/search/scatter", Request.Method.POST,
                SimpleResponse.Builder.status(200).withContentType(Wire.NDJSON)
                        .withBody("{\"event\":\"part\"}\n{\"event\":\"done\"}\n").build());
        assertThat(ok.getMessages()).isEmpty();
    }

    @Test
    void aStreamedPartLineValidatesAsAWholeLine() {
        OpenAPI api = new io.swagger.v3.parser.OpenAPIV3Parser().read(Wire.OPENAPI_RESOURCE);
        SchemaValidator schemas = new SchemaValidator(api, new MessageResolver());
        Schema<?> part = api.getComponents().getSchemas().get("ScatterPart");
        String answered = "{\"event\":\"part\",\"shard\":\"s1\",\"status\":\"answered\",\"leafId\":\"a\","
                + "\"latencyMs\":3,\"hedged\":false,\"attempts\":1,\"response\":[{\"doc\":1}]}";
        String timedOut = "{\"event\":\"part\",\"shard\":\"s2\",\"status\":\"timedOut\",\"reason\":\"no answer within 300 ms\","
                + "\"leafId\":\"b\",\"latencyMs\":300,\"hedged\":true,\"attempts\":2}";
        assertThat(schemas.validate(answered, part, "ScatterPart").getMessages()).isEmpty();
        assertThat(schemas.validate(timedOut, part, "ScatterPart").getMessages()).isEmpty();
        for (String bad : new String[] {answered.replace("\"event\":\"part\",", ""),
                answered.replace("\"part\"", "\"done\""), answered.replace("answered", "lost"),
                answered.replace("\"attempts\":1,", ""), answered.replace("\"hedged\":false", "\"hedged\":false,\"extra\":1")}) {
            assertThat(schemas.validate(bad, part, "ScatterPart").hasErrors()).as(bad).isTrue();
        }
    }

    @Test
    void aPartLineHasTheMembersOfAShardPlusItsEvent() {
        OpenAPI api = new io.swagger.v3.parser.OpenAPIV3Parser().read(Wire.OPENAPI_RESOURCE);
        Schema<?> shard = api.getComponents().getSchemas().get("ScatterShard");
        Schema<?> part = api.getComponents().getSchemas().get("ScatterPart");
        Set<String> members = new HashSet<>(shard.getProperties().keySet());
        members.add("event");
        assertThat(part.getProperties().keySet()).containsExactlyInAnyOrderElementsOf(members);
        Set<String> required = new HashSet<>(shard.getRequired());
        required.add("event");
        assertThat(part.getRequired()).containsExactlyInAnyOrderElementsOf(required);
        shard.getProperties().forEach((name, s) -> assertThat(part.getProperties().get(name)).as(name).isEqualTo(s));
    }

    @Test
    void leafCallCarriesTheBudgetAndAnswersAnyJson() {
        SimpleRequest call = SimpleRequest.Builder.post(Wire.LEAF_PATH_PREFIX + "search")
                .withContentType("application/json")
                .withHeader(Wire.HEADER_DEADLINE_MS, "250").withHeader(Wire.HEADER_SCATTER_ID, "abc")
                .withHeader(Wire.HEADER_ATTEMPT, "2")
                .withBody("{\"pool\":\"search\",\"shard\":\"s1\",\"scatterId\":\"abc\",\"request\":{\"q\":\"x\"}}").build();
        assertThat(validator.validate(call, json(200, "[{\"doc\":1}]")).getMessages()).isEmpty();
        assertThat(validator.validate(call, SimpleResponse.Builder.status(504).withContentType(Wire.PROBLEM_JSON)
                .withBody("{\"type\":\"" + ProblemType.DEADLINE_EXCEEDED.uri() + "\",\"title\":\"t\",\"status\":504}").build())
                .getMessages()).isEmpty();
        SimpleRequest noBudget = SimpleRequest.Builder.post(Wire.LEAF_PATH_PREFIX + "search")
                .withContentType("application/json").withHeader(Wire.HEADER_SCATTER_ID, "abc").withHeader(Wire.HEADER_ATTEMPT, "1")
                .withBody("{\"pool\":\"search\",\"shard\":\"s1\",\"scatterId\":\"abc\",\"request\":1}").build();
        assertThat(validator.validateRequest(noBudget).hasErrors()).isTrue();
        ValidationReport info = validator.validate(SimpleRequest.Builder.get(Wire.LEAF_PATH_PREFIX + "search").build(),
                json(200, "{\"pool\":\"search\",\"shard\":\"s1\",\"leafId\":\"pod-a\"}"));
        assertThat(info.getMessages()).isEmpty();
    }

    @Test
    void mergeCallCarriesTheParts() {
        ValidationReport ok = validator.validate(SimpleRequest.Builder.post("/patternkit/merge").withContentType("application/json")
                        .withBody("{\"pool\":\"search\",\"scatterId\":\"x\",\"request\":{},\"parts\":[{\"shard\":\"s1\",\"response\":[1]}]}").build(),
                json(200, "{\"hits\":[1]}"));
        assertThat(ok.getMessages()).isEmpty();
    }
}
