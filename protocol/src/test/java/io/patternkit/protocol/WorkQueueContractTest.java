package io.patternkit.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The work-queue part of the contract says what the sidecar enforces: exactly one of {@code payload} and
 * {@code fileRef}, bounded redrive ids, and a 413 wherever a request body can exceed the sidecar's body cap.
 */
class WorkQueueContractTest {
    private final OpenApiInteractionValidator validator =
            OpenApiInteractionValidator.createForSpecificationUrl(Wire.OPENAPI_RESOURCE).build();

    private boolean accepts(String path, String body) {
        return !validator.validateRequest(SimpleRequest.Builder.post(path).withContentType("application/json")
                .withBody(body).build()).hasErrors();
    }

    @Test
    void anEnqueueNamesExactlyOneOfPayloadAndFileRef() {
        String items = "/v1/queues/jobs/items";
        for (String value : new String[] {"{\"n\":1}", "[1]", "\"s\"", "1.5", "true"}) {
            assertThat(accepts(items, "{\"payload\":" + value + "}")).as(value).isTrue();
        }
        assertThat(accepts(items, "{\"payload\":null}")).as("JSON null is a payload too").isTrue();
        assertThat(accepts(items, "{\"fileRef\":\"/data/in/a.txt\"}")).isTrue();
        assertThat(accepts(items, "{}")).isFalse();
        assertThat(accepts(items, "{\"payload\":null,\"fileRef\":\"0\"}")).isFalse();
        assertThat(accepts("/v1/queues/jobs/items/batch", "{\"items\":[{\"payload\":1},{\"dedupKey\":\"k\"}]}")).isFalse();
    }

    @Test
    void redriveIdsAreBounded() {
        String redrive = "/v1/queues/jobs/dead-letters/redrive";
        assertThat(accepts(redrive, "{\"ids\":[\"" + "1".repeat(Wire.MAX_ITEM_ID_LENGTH) + "\"]}")).isTrue();
        assertThat(accepts(redrive, "{\"ids\":[\"" + "1".repeat(Wire.MAX_ITEM_ID_LENGTH + 1) + "\"]}")).isFalse();
    }

    @Test
    void aClaimCarriesOneToAThousandReceiptsToAcknowledge() {
        String claim = "/v1/queues/jobs/claim";
        assertThat(accepts(claim, "{\"max\":1,\"ack\":[\"r1\",\"r2\"]}")).isTrue();
        assertThat(accepts(claim, "{\"ack\":[\"" + "r".repeat(256) + "\"]}")).isTrue();
        assertThat(accepts(claim, "{\"ack\":[]}")).as("no receipts: leave ack out").isFalse();
        assertThat(accepts(claim, "{\"ack\":[7]}")).isFalse();
        assertThat(accepts(claim, "{\"ack\":[\"\"]}")).isFalse();
        assertThat(accepts(claim, "{\"ack\":[\"" + "r".repeat(257) + "\"]}")).isFalse();
        String thousandAndOne = "\"r\",".repeat(Wire.MAX_BATCH) + "\"r\"";
        assertThat(accepts(claim, "{\"ack\":[" + thousandAndOne + "]}")).isFalse();
    }

    @Test
    void everySidecarOperationWithABodyDeclares413() {
        OpenAPI api = new OpenAPIV3Parser().read(Wire.OPENAPI_RESOURCE);
        List<String> missing = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            if (path.startsWith("/v1/") && op.getRequestBody() != null && !op.getResponses().containsKey("413")) {
                missing.add(method + " " + path);
            }
        }));
        assertThat(missing).isEmpty();
    }
}
