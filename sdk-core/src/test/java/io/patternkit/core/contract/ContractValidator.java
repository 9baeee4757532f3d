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
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
/**
 * Contract checks for the SDK modules' protocol tests against WireMock (shared through the
 * {@code patternkit-sdk-core} test-jar): every request the SDK sent, and optionally every answer the
 * stubs gave, is validated against the OpenAPI contract ({@link Wire#OPENAPI_RESOURCE}), so a stub that
 * drifts from the contract fails the test as surely as a malformed request.
 */
public final class ContractValidator {
    private static final OpenApiInteractionValidator VALIDATOR =
            OpenApiInteractionValidator.createForSpecificationUrl(Wire.OPENAPI_RESOURCE).build();
    private static final OpenAPI API = new OpenAPIV3Parser().read(Wire.OPENAPI_RESOURCE);
    private static final SchemaValidator SCHEMAS = new SchemaValidator(API, new MessageResolver());

    private ContractValidator() {
    }

    /**
     * Asserts that every request WireMock received is valid for the contract.
     *
     * @param server the WireMock server the SDK talked to
     */
    public static void assertAllRequestsValid(WireMockServer server) {
        for (ServeEvent event : server.getAllServeEvents()) {
            LoggedRequest r = event.getRequest();
            ValidationReport report = VALIDATOR.validateRequest(request(r));
            assertThat(report.getMessages()).as("%s %s %s", r.getMethod(), r.getUrl(), r.getBodyAsString()).isEmpty();
        }
    }

    /**
     * Asserts that every request WireMock received, and every answer it gave (faults excepted), is valid
     * for the contract. Use in tests whose stubs all answer as the contract says.
     *
     * @param server the WireMock server the SDK talked to
     */
    public static void assertAllExchangesValid(WireMockServer server) {
        assertAllRequestsValid(server);
        for (ServeEvent event : server.getAllServeEvents()) {
            LoggedRequest r = event.getRequest();
            LoggedResponse response = event.getResponse();
            if (response == null || response.getFault() != null || response.getStatus() == 0) {
                continue;
            }
            SimpleResponse.Builder b = new SimpleResponse.Builder(response.getStatus());
            for (HttpHeader h : response.getHeaders().all()) {
                b.withHeader(h.key(), h.values());
            }
            String body = response.getBodyAsString();
            if (body != null && !body.isEmpty()) {
                b.withBody(body);
            }
            String url = r.getUrl();
            int q = url.indexOf('?');
            ValidationReport report = VALIDATOR.validateResponse(q < 0 ? url : url.substring(0, q),
                    Request.Method.valueOf(r.getMethod().getName()), b.build());
            assertThat(report.getMessages()).as("answer %d to %s %s: %s", response.getStatus(), r.getMethod(), url,
                    body).isEmpty();
        }
    }

    /**
     * A stubbed problem answer as the sidecars send it.
     *
     * @param type the problem type
     * @param extraMembers more members appended to the JSON object, each preceded by a comma (such as
     *     {@code ,"detail":"why"}), or an empty string
     * @return the response definition
     */
    public static ResponseDefinitionBuilder problem(ProblemType type, String extraMembers) {
        return WireMock.aResponse().withStatus(type.status()).withHeader("Content-Type", Wire.PROBLEM_JSON)
                .withBody("{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":"
                        + type.status() + extraMembers + "}");
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

    private static Request request(LoggedRequest r) {
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
        return b.build();
    }
}
