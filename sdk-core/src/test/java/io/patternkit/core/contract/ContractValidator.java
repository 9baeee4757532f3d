package io.patternkit.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Contract checks for the SDK modules' protocol tests against WireMock (shared through the
 * {@code patternkit-sdk-core} test-jar): every request the SDK sent, and optionally every answer the
 * stubs gave, is validated against the OpenAPI contract ({@link Wire#OPENAPI_RESOURCE}), so a stub that
 * drifts from the contract fails the test as surely as a malformed request.
 */
public final class ContractValidator {
    private static final OpenApiInteractionValidator VALIDATOR =
            OpenApiInteractionValidator.createForSpecificationUrl(Wire.OPENAPI_RESOURCE).build();

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
