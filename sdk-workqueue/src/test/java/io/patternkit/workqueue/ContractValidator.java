package io.patternkit.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.patternkit.protocol.Wire;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Validates every request WireMock received against the OpenAPI contract. */
final class ContractValidator {
    private static final OpenApiInteractionValidator VALIDATOR =
            OpenApiInteractionValidator.createForSpecificationUrl(Wire.OPENAPI_RESOURCE).build();

    private ContractValidator() {
    }

    static void assertAllRequestsValid(WireMockServer server) {
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
}
