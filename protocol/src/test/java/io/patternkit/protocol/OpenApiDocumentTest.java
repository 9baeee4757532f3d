package io.patternkit.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import org.junit.jupiter.api.Test;

/** The contract itself: it parses, and it accepts and rejects what its own descriptions say. */
class OpenApiDocumentTest {
    private final OpenApiInteractionValidator validator =
            OpenApiInteractionValidator.createForSpecificationUrl(Wire.OPENAPI_RESOURCE).build();

    @Test
    void acceptsAWellFormedEnqueue() {
        ValidationReport report = validator.validateRequest(SimpleRequest.Builder.post("/v1/queues/corpus/items")
                .withContentType("application/json")
                .withBody("{\"fileRef\":\"/data/a.java\",\"dedupKey\":\"a.java\",\"priority\":3}")
                .build());
        assertThat(report.getMessages()).isEmpty();
    }

    @Test
    void rejectsUnknownFieldsAndBadQueueNames() {
        ValidationReport unknownField = validator.validateRequest(SimpleRequest.Builder.post("/v1/queues/corpus/claim")
                .withContentType("application/json").withBody("{\"max\":1,\"visibility\":5}").build());
        ValidationReport badName = validator.validateRequest(SimpleRequest.Builder.post("/v1/queues/bad%20name/claim")
                .withContentType("application/json").withBody("{\"max\":1}").build());
        assertThat(unknownField.hasErrors()).isTrue();
        assertThat(badName.hasErrors()).isTrue();
    }

    @Test
    void problemResponsesMustCarryAKnownType() {
        ValidationReport ok = validator.validateResponse("/v1/queues/q/ack", Request.Method.POST,
                SimpleResponse.Builder.status(409).withContentType(Wire.PROBLEM_JSON)
                        .withBody("{\"type\":\"" + ProblemType.RECEIPT_STALE.uri() + "\",\"title\":\"t\",\"status\":409}")
                        .build());
        ValidationReport unknown = validator.validateResponse("/v1/queues/q/ack", Request.Method.POST,
                SimpleResponse.Builder.status(409).withContentType(Wire.PROBLEM_JSON)
                        .withBody("{\"type\":\"about:blank\",\"title\":\"t\",\"status\":409}").build());
        assertThat(ok.getMessages()).isEmpty();
        assertThat(unknown.hasErrors()).isTrue();
    }

    /** Issue 14: an address that fails authentication too often is refused with 429 wherever a 401 can come. */
    @Test
    void everyOperationThatCanAnswer401AlsoDeclaresTheFailedAuthenticationLimit() {
        OpenAPI api = new OpenAPIV3Parser().read(Wire.OPENAPI_RESOURCE);
        int guarded = 0;
        for (var path : api.getPaths().entrySet()) {
            for (var operation : path.getValue().readOperationsMap().entrySet()) {
                var responses = operation.getValue().getResponses();
                if (responses.containsKey("401")) {
                    guarded++;
                    assertThat(responses).as(operation.getKey() + " " + path.getKey()).containsKey("429");
                }
            }
        }
        assertThat(guarded).isGreaterThanOrEqualTo(30);
        ValidationReport refused = validator.validateResponse("/v1/queues/q/items", Request.Method.POST,
                SimpleResponse.Builder.status(429).withContentType(Wire.PROBLEM_JSON).withHeader("Retry-After", "42")
                        .withBody("{\"type\":\"" + ProblemType.RATE_LIMITED.uri() + "\",\"title\":\"t\",\"status\":429}")
                        .build());
        assertThat(refused.getMessages()).isEmpty();
    }

    @Test
    void everyProblemTypeIsInTheContract() throws Exception {
        String spec = new String(getClass().getClassLoader().getResourceAsStream(Wire.OPENAPI_RESOURCE).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        for (ProblemType type : ProblemType.values()) {
            assertThat(spec).as(type.name()).contains(type.uri());
            assertThat(ProblemType.fromUri(type.uri())).contains(type);
        }
    }
}
