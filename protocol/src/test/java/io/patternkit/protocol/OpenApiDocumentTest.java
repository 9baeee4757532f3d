package io.patternkit.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
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
