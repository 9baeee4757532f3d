package io.patternkit.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.patternkit.protocol.Wire;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Checks wire traffic against the OpenAPI contract ({@link Wire#OPENAPI_RESOURCE}): every request a
 * WireMock stub received, single requests and responses, and single documents against a named component
 * schema (for NDJSON lines, whose media type the contract can only describe as a string). Shared by the
 * pattern modules' protocol tests through sdk-core's test-jar.
 */
public final class ContractAssertions {
    private static final OpenApiInteractionValidator VALIDATOR =
            OpenApiInteractionValidator.createForSpecificationUrl(Wire.OPENAPI_RESOURCE).build();
    private static final OpenAPI API = new OpenAPIV3Parser().read(Wire.OPENAPI_RESOURCE);
    private static final SchemaValidator SCHEMAS = new SchemaValidator(API, new MessageResolver());

    private ContractAssertions() {
    }

    /**
     * Validates every request WireMock received.
     *
     * @param server the stub server
     */
    public static void assertAllRequestsValid(WireMockServer server) {
        List<ServeEvent> events = server.getAllServeEvents();
        for (ServeEvent event : events) {
            LoggedRequest r = event.getRequest();
            String url = r.getUrl();
            int q = url.indexOf('?');
            SimpleRequest.Builder b = new SimpleRequest.Builder(r.getMethod().getName(), q < 0 ? url : url.substring(0, q));
            if (q >= 0) {
                for (String pair : url.substring(q + 1).split("&")) {
                    String[] kv = pair.split("=", 2);
                    b.withQueryParam(kv[0], URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
                }
            }
            for (HttpHeader h : r.getHeaders().all()) {
                b.withHeader(h.key(), h.values());
            }
            if (r.getBody() != null && r.getBody().length > 0) {
                b.withBody(r.getBodyAsString());
            }
            ValidationReport report = VALIDATOR.validateRequest(b.build());
            assertThat(report.getMessages()).as("%s %s %s", r.getMethod(), url, r.getBodyAsString()).isEmpty();
        }
    }

    /**
     * Validates one request.
     *
     * @param method the HTTP method
     * @param path the path
     * @param headers the headers
     * @param body the body, or null
     */
    public static void assertRequestValid(String method, String path, Map<String, String> headers, String body) {
        SimpleRequest.Builder b = new SimpleRequest.Builder(method, path);
        headers.forEach(b::withHeader);
        if (body != null) {
            b.withBody(body);
        }
        ValidationReport report = VALIDATOR.validateRequest(b.build());
        assertThat(report.getMessages()).as("%s %s %s", method, path, body).isEmpty();
    }

    /**
     * Validates one response of an operation.
     *
     * @param method the HTTP method of the operation
     * @param path the request path
     * @param status the status
     * @param contentType the response's content type, or null
     * @param body the response body, or null
     */
    public static void assertResponseValid(String method, String path, int status, String contentType, String body) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(status);
        if (contentType != null) {
            b.withContentType(contentType);
        }
        if (body != null) {
            b.withBody(body);
        }
        ValidationReport report = VALIDATOR.validateResponse(path, Request.Method.valueOf(method), b.build());
        assertThat(report.getMessages()).as("%s %s -> %d %s", method, path, status, body).isEmpty();
    }

    /**
     * Validates a JSON document against a component schema.
     *
     * @param component the schema's name under {@code components/schemas}, such as {@code ScatterPart}
     * @param json the document
     */
    public static void assertSchemaValid(String component, String json) {
        Schema<?> schema = API.getComponents().getSchemas().get(component);
        assertThat(schema).as("schema %s", component).isNotNull();
        ValidationReport report = SCHEMAS.validate(json, schema, component);
        assertThat(report.getMessages()).as("%s: %s", component, json).isEmpty();
    }
}
